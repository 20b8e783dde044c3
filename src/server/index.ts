export { startServer, createHandler, type AuthorizeRequest, type Engine, type Executor, type RunningServer, type ServerOptions } from './server';
export type { WireError } from './wire-errors';
export { MAX_REQUEST_BYTES } from './limits';
export { RequestRecorder, type RecorderOptions, type RequestLog } from './inspector/recorder';
