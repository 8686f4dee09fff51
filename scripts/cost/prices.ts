/**
 * Google Cloud list prices and free tiers used by `npm run cost`, as published on the products'
 * pricing pages. Dated: re-check them when this date is old. USD, Firestore in a multi-region
 * (nam5/eur3, the dearer case), functions gen2 (Cloud Run request-based billing, tier 1 region).
 */
export const PRICES_AS_OF = '2026-11-01';

export const PRICES = {
  firestore: {
    freeReadsPerDay: 50_000,
    freeWritesPerDay: 20_000,
    freeDeletesPerDay: 20_000,
    readPer100k: 0.06,
    writePer100k: 0.18,
    deletePer100k: 0.02,
    freeStorageGiB: 1,
    storagePerGiBMonth: 0.18,
  },
  functions: {
    freeRequestsPerMonth: 2_000_000,
    requestPerMillion: 0.4,
    freeVcpuSecondsPerMonth: 180_000,
    vcpuSecond: 0.000024,
    freeGibSecondsPerMonth: 360_000,
    gibSecond: 0.0000025,
  },
  pubsub: { freeGiBPerMonth: 10, perTiB: 40, minBytesPerMessage: 1000 },
  scheduler: { freeJobsPerBillingAccount: 3, perJobMonth: 0.1 },
  monitoring: { freeMiBPerMonth: 150, perMiB: 0.258, bytesPerPoint: 8 },
} as const;
