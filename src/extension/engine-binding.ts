// Binds the extension to the embedded engine (src/engine) and its HTTP endpoint (src/server).
import type { EngineBinding } from './workspace-db';

export const engineBinding: EngineBinding | undefined = undefined;
