/**
 * Entry point for every deployed function: registration only. Each handler is thin — parse input,
 * call a service, write through ports — and the adapters are chosen in wiring.ts.
 */
import * as ff from '@google-cloud/functions-framework';
import { createRuntime } from './wiring.ts';
import { makeTickHandler } from './handlers/tick.ts';
import { makeExecuteOrderHandler } from './handlers/executeOrder.ts';
import { makeAuditHandler } from './handlers/audit.ts';
import { makeAdminHandler } from './handlers/admin.ts';
import { makeBudgetGuardHandler } from './handlers/budgetGuard.ts';
import { createOpsRuntime } from './wiringOps.ts';
import { installJsonFrameworkErrors } from './handlers/frameworkErrors.ts';

installJsonFrameworkErrors();
const runtime = createRuntime();

ff.http('tick', makeTickHandler(runtime.tickDeps));
ff.cloudEvent('executeOrder', makeExecuteOrderHandler(runtime.executeDeps));
ff.http('audit', makeAuditHandler(runtime.executeDeps));

const ops = createOpsRuntime(runtime);
ff.http('admin', makeAdminHandler(ops.adminDeps));
ff.cloudEvent('budgetGuard', makeBudgetGuardHandler(ops.budgetDeps));
