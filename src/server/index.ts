export { startServer, createHandler, type Engine, type Executor, type RunningServer, type ServerOptions } from './server';
export { MAX_REQUEST_BYTES } from './limits';
