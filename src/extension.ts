// VS Code entry point (bundled to dist/extension.js).
export { activate, deactivate } from './extension/activate';
export type { DynamoWorkspaceApi } from './extension/activate';
