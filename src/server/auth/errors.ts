// The errors DynamoDB answers when a request's Signature Version 4 authentication fails. All are
// 400s in the Coral service namespace, which SDKs do not retry (a clock-skew error lets them
// correct their clock first). The texts follow DynamoDB's so that tools matching on them work.
import { CORAL_SERVICE, wire, type WireError } from '../wire-errors';

function authError(name: string, message: string): WireError {
  return wire(400, CORAL_SERVICE, name, message);
}

/** The access key id is not one the endpoint knows. */
export const UNRECOGNIZED_CLIENT = authError('UnrecognizedClientException', 'The security token included in the request is invalid.');

/** The signature does not match the one computed with the key's secret. */
export const SIGNATURE_MISMATCH = authError(
  'InvalidSignatureException',
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
);

/** An Authorization header or presigned query that lacks parts SigV4 needs, or has them malformed. */
export function incompleteSignature(message: string): WireError {
  return authError('IncompleteSignatureException', message);
}

/** A signing date more than the allowed skew before the endpoint's clock. */
export function signatureExpired(signed: string, earliest: string, now: string, skewMinutes: number): WireError {
  return authError('InvalidSignatureException', `Signature expired: ${signed} is now earlier than ${earliest} (${now} - ${skewMinutes} min.)`);
}

/** A signing date more than the allowed skew after the endpoint's clock. */
export function signatureNotYetCurrent(signed: string, latest: string, now: string, skewMinutes: number): WireError {
  return authError('InvalidSignatureException', `Signature not yet current: ${signed} is still later than ${latest} (${now} + ${skewMinutes} min.)`);
}

/** A presigned request past its X-Amz-Expires. */
export function presignExpired(expiredAt: string, now: string): WireError {
  return authError('InvalidSignatureException', `Request has expired: it expired at ${expiredAt}, and it is now ${now}`);
}
