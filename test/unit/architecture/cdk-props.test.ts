import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { code, root, sources } from './sources';

/** One finding: `<file>: <Interface>.<member>: <problem>`. */
function propsFindings(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const checkMembers = (owner: string, members: ts.NodeArray<ts.TypeElement>) => {
    for (const m of members) {
      if (!ts.isPropertySignature(m)) continue;
      const name = `${owner}.${m.name.getText(sf)}`;
      const readonly = m.modifiers?.some((x) => x.kind === ts.SyntaxKind.ReadonlyKeyword) ?? false;
      if (!readonly) out.push(`${file}: ${name}: not readonly`);
      const docs = ts.getJSDocCommentsAndTags(m).filter(ts.isJSDoc);
      if (docs.length === 0) out.push(`${file}: ${name}: no TSDoc`);
      const hasDefault = docs.some((d) => d.tags?.some((t) => t.tagName.text === 'default'));
      if (m.questionToken && !hasDefault) out.push(`${file}: ${name}: optional without @default`);
      if (m.type && ts.isTypeLiteralNode(m.type)) checkMembers(name, m.type.members);
    }
  };
  const visit = (node: ts.Node) => {
    if (ts.isInterfaceDeclaration(node) && node.name.text.endsWith('Props')) {
      checkMembers(node.name.text, node.members);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

const INFRA = sources('lib/constructs', 'lib/stacks', 'lib/pipeline', 'lib/monitoring');

describe('CDK props interfaces (aws-cdk DESIGN_GUIDELINES: readonly, documented, @default when optional)', () => {
  it('the check finds a mutable, an undocumented and an optional member without @default', () => {
    const findings = propsFindings(
      'x.ts',
      `export interface XProps {
        a: string;
        readonly b: string;
        /** C. */
        readonly c?: string;
        /**
         * D.
         * @default none
         */
        readonly d?: { e: number };
      }`,
    );
    expect(findings).toEqual([
      'x.ts: XProps.a: not readonly',
      'x.ts: XProps.a: no TSDoc',
      'x.ts: XProps.b: no TSDoc',
      'x.ts: XProps.c: optional without @default',
      'x.ts: XProps.d.e: not readonly',
      'x.ts: XProps.d.e: no TSDoc',
    ]);
  });

  it('every *Props interface under lib/constructs, lib/stacks, lib/pipeline and lib/monitoring complies', () => {
    const withProps = INFRA.filter((f) => /interface \w+Props\b/.test(code(f)));
    expect(withProps).toEqual(
      expect.arrayContaining(['lib/constructs/service-function.ts', 'lib/stacks/api-stack.ts']),
    );
    const findings = withProps.flatMap((f) => propsFindings(f, readFileSync(join(root, f), 'utf8')));
    expect(findings).toEqual([]);
  });
});
