import type { Rule } from 'eslint';

export declare const COLLECTIONS: readonly string[];
export declare const noLiteralPath: Rule.RuleModule;
declare const plugin: { rules: Record<string, Rule.RuleModule> };
export default plugin;
