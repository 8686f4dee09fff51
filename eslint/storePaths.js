/**
 * `store/no-literal-path`: Firestore paths come from the shared store (functions/src/shared/store),
 * never from a literal. Flags a string or template literal that is a path into a known collection
 * ('status/system', `candles/${key}_1m/days/${day}`, 'candles/'), and a bare collection id passed
 * to collection(), doc() or collectionGroup() (`doc(db, 'status', 'system')`, db.collection('trades'))
 * or compared with an `.id` (`col.id !== 'status'`).
 * Prose that mentions a path ("status/system does not exist") has spaces and is not a path.
 * COLLECTIONS must equal the store's COLLECTIONS (eslint/storePaths.test.ts checks).
 */
export const COLLECTIONS = [
  'status',
  'config',
  'wallet',
  'positions',
  'signals',
  'orders',
  'intents',
  'trades',
  'audit',
  'alerts',
  'deadletters',
  'equity',
  'candles',
  'audit_log',
  'budget_notices',
  'rollups',
  'costs',
  'inbound',
  'shadow',
  'telegram',
  // gone, and must not come back as a literal either
  'markets',
];

const names = COLLECTIONS.join('|');
/** a collection id, then '/' and either nothing or id segments ({} marks a template's expression) */
const PATH = new RegExp(`^(${names})/((?:[\\w{}$-]+)(?:/[\\w{}$-]+)*/?)?$`);
const BARE = new RegExp(`^(${names})$`);
const CALLS = new Set(['collection', 'doc', 'collectionGroup']);

function calleeName(node) {
  const c = node.callee;
  if (c.type === 'Identifier') return c.name;
  if (c.type === 'MemberExpression' && c.property.type === 'Identifier') return c.property.name;
  return null;
}

function staticText(node) {
  if (node.type === 'Literal') return typeof node.value === 'string' ? node.value : null;
  if (node.type === 'TemplateLiteral') return node.quasis.map((q) => q.value.cooked ?? q.value.raw).join('{}');
  return null;
}

export const noLiteralPath = {
  meta: {
    type: 'problem',
    docs: { description: 'Firestore paths come from functions/src/shared/store, never from a literal' },
    messages: {
      path: "'{{text}}' is a Firestore path: use the shared store (functions/src/shared/store: PATHS, the path helpers, the bucket rule).",
      bare: "collection id '{{text}}' passed to {{fn}}(): use PATHS from functions/src/shared/store.",
      compared: "collection id '{{text}}' compared with an id: use COLLECTIONS from functions/src/shared/store.",
    },
    schema: [],
  },
  create(context) {
    const check = (node) => {
      const text = staticText(node);
      if (text !== null && PATH.test(text)) context.report({ node, messageId: 'path', data: { text } });
    };
    return {
      Literal: check,
      TemplateLiteral: check,
      BinaryExpression(node) {
        if (!/^[!=]==?$/.test(node.operator)) return;
        const isId = (n) => n.type === 'MemberExpression' && n.property.type === 'Identifier' && n.property.name === 'id';
        for (const [a, b] of [
          [node.left, node.right],
          [node.right, node.left],
        ]) {
          const text = staticText(b);
          if (isId(a) && text !== null && BARE.test(text)) context.report({ node: b, messageId: 'compared', data: { text } });
        }
      },
      CallExpression(node) {
        const fn = calleeName(node);
        if (!fn || !CALLS.has(fn)) return;
        for (const arg of node.arguments) {
          const text = staticText(arg);
          if (text !== null && BARE.test(text)) context.report({ node: arg, messageId: 'bare', data: { text, fn } });
        }
      },
    };
  },
};

export default { rules: { 'no-literal-path': noLiteralPath } };
