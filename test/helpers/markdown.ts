import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Repository root (absolute path, with a trailing slash). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A repository file's text (`path` relative to the repository root). */
export function readRepoFile(path: string): string {
  return readFileSync(`${REPO_ROOT}${path}`, 'utf8');
}

/**
 * The text of a Markdown file with its fenced code blocks blanked (their `#` lines are not headings, their brackets
 * not links); line numbers are kept.
 */
export function withoutFences(md: string): string {
  return md.replace(/^```[\s\S]*?^```/gm, (block) => block.replace(/[^\n]/g, ''));
}

/** GitHub's anchor of a heading text: lower case, punctuation dropped, spaces to hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');
}

/** The anchors of every heading (`#` to `######`) of a Markdown text. */
export function headingAnchors(md: string): Set<string> {
  return new Set(
    withoutFences(md)
      .split('\n')
      .filter((l) => /^#{1,6} /.test(l))
      .map((l) => headingAnchor(l.replace(/^#+ /, ''))),
  );
}

/** The `## ` sections of a Markdown text, by anchor: heading and body (up to the next `## ` heading). */
export function sections(md: string): Map<string, { heading: string; body: string }> {
  const out = new Map<string, { heading: string; body: string }>();
  const parts = withoutFences(md).split(/^## /m).slice(1);
  for (const part of parts) {
    const nl = part.indexOf('\n');
    const heading = part.slice(0, nl).trim();
    out.set(headingAnchor(heading), { heading, body: part.slice(nl + 1) });
  }
  return out;
}

/** Inline links `[text](target)` of a Markdown text (outside code fences), with their line numbers. */
export function markdownLinks(md: string): Array<{ text: string; target: string; line: number }> {
  const out: Array<{ text: string; target: string; line: number }> = [];
  withoutFences(md)
    .split('\n')
    .forEach((l, i) => {
      for (const m of l.matchAll(/\[([^\]]+)\]\(([^)\s]+)\)/g)) {
        out.push({ text: m[1] ?? '', target: m[2] ?? '', line: i + 1 });
      }
    });
  return out;
}
