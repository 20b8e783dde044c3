// Optional request authentication for the endpoint: SigV4 verification and the key sources.
export { sigV4Authorizer, SKEW_MINUTES, type SigV4Options } from './sigv4';
export { AuthKeysError, parseKeysFile, parseKeysList } from './keys';
