// Kept only so that modules still importing mutation types from here compile: log records live
// in src/engine/log/records.ts (new code imports them from src/engine/log).
export type { Mutation, LogRecord } from '../log/records';
