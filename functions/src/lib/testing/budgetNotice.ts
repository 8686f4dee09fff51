/**
 * A Cloud Billing budget notification as Pub/Sub pushes it (schemaVersion 1.0): the spend at the limit
 * unless told otherwise. For tests that pause trading through the budget guard's own door.
 */
export function budgetNoticeEvent(over: { costAmount?: number; costIntervalStart?: string; budgetId?: string; messageId?: string } = {}) {
  const notice = {
    budgetDisplayName: 'eagle-eye monthly',
    costAmount: over.costAmount ?? 1.02,
    costIntervalStart: over.costIntervalStart ?? '2023-04-01T07:00:00Z',
    budgetAmount: 1,
    budgetAmountType: 'SPECIFIED_AMOUNT',
    currencyCode: 'USD',
    alertThresholdExceeded: 1.0,
  };
  const attributes = { billingAccountId: '01D4EE-079462-DFD6EC', budgetId: over.budgetId ?? 'b1', schemaVersion: '1.0' };
  const messageId = over.messageId ?? 'n1';
  return { message: { data: Buffer.from(JSON.stringify(notice)).toString('base64'), attributes, messageId } };
}
