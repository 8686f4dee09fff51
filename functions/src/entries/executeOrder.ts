import * as ff from '@google-cloud/functions-framework';
import { makeExecuteOrderHandler } from '../handlers/executeOrder.ts';
import { installJsonFrameworkErrors } from '../handlers/frameworkErrors.ts';
import { instanceRuntime } from '../wiring/trading.ts';

installJsonFrameworkErrors();
ff.cloudEvent('executeOrder', makeExecuteOrderHandler(instanceRuntime().executeDeps));
