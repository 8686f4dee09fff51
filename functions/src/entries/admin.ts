import * as ff from '@google-cloud/functions-framework';
import { makeAdminHandler } from '../handlers/admin.ts';
import { installJsonFrameworkErrors } from '../handlers/frameworkErrors.ts';
import { instanceOpsRuntime } from '../wiring/ops.ts';

installJsonFrameworkErrors();
ff.http('admin', makeAdminHandler(instanceOpsRuntime().adminDeps));
