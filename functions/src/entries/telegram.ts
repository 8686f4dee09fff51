import * as ff from '@google-cloud/functions-framework';
import { installJsonFrameworkErrors } from '../handlers/frameworkErrors.ts';
import { makeTelegramHandler } from '../handlers/telegram.ts';
import { instanceOpsRuntime } from '../wiring/ops.ts';

installJsonFrameworkErrors();
ff.http('telegram', makeTelegramHandler(instanceOpsRuntime().telegramDeps));
