export {
  ALERT_KEY,
  InboundAlertSchema,
  MAX_ALERT_BYTES,
  SOURCE_ID,
  inboundStrategyVersion,
  resolveSymbol,
  type InboundAlert,
} from './alert.ts';
export { signAlert, verifyAlert, type AuthFailure, type SignedRequest } from './signature.ts';
export { takeCounted, takeToken, type Bucket, type CountedBucket, type CountedTake, type RateLimit, type Take } from './rateLimit.ts';
