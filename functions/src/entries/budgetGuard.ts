import * as ff from '@google-cloud/functions-framework';
import { makeBudgetGuardHandler } from '../handlers/budgetGuard.ts';
import { installJsonFrameworkErrors } from '../handlers/frameworkErrors.ts';
import { instanceOpsRuntime } from '../wiring/ops.ts';

installJsonFrameworkErrors();
ff.cloudEvent('budgetGuard', makeBudgetGuardHandler(instanceOpsRuntime().budgetDeps));
