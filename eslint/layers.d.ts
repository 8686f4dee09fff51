import type { Rule } from 'eslint';

export declare function layerOf(rel: string): string | null;
export declare const ALLOWED: Readonly<Record<string, readonly string[]>>;
export declare const boundary: Rule.RuleModule;
declare const plugin: { rules: Record<string, Rule.RuleModule> };
export default plugin;
