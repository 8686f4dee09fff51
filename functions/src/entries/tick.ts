import * as ff from '@google-cloud/functions-framework';
import { makeTickHandler } from '../handlers/tick.ts';
import { installJsonFrameworkErrors } from '../handlers/frameworkErrors.ts';
import { instanceRuntime } from '../wiring/trading.ts';

installJsonFrameworkErrors();
ff.http('tick', makeTickHandler(instanceRuntime().tickDeps));
