/**
 * The load balancers' configurations, read from docs/deploying.md as printed:
 * only the instances' addresses are substituted (one `server` line per lab
 * instance, made from the doc's first one), so that the lab tests the guide's
 * examples, not a copy that could drift from them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/service.js';

const DEPLOYING_GUIDE = join(ROOT, 'docs/deploying.md');

/** The body of the first fenced code block of `language` in the guide. */
export function guideBlock(language: 'haproxy' | 'nginx', guide = readFileSync(DEPLOYING_GUIDE, 'utf8')): string {
  const match = new RegExp('^```' + language + '\\n([\\s\\S]*?)^```', 'm').exec(guide);
  if (match === null) throw new Error(`${DEPLOYING_GUIDE} has no \`\`\`${language} example`);
  return match[1]!;
}

const ADDRESS = /\b\d{1,3}(?:\.\d{1,3}){3}(?=:\d+)/;

/**
 * Replaces the block's server lines (those naming an IPv4 address and port)
 * with one per address: the first such line, with its address (and, for
 * HAProxy, its server name) substituted. Everything else is left as printed.
 */
function withServers(block: string, addresses: readonly string[], serverLine: RegExp): string {
  const lines = block.split('\n');
  const first = lines.findIndex((line) => serverLine.test(line) && ADDRESS.test(line));
  if (first < 0) throw new Error(`no server line with an address in:\n${block}`);
  const template = lines[first]!;
  const named = /^(\s*server\s+)(\S+)(\s+\d)/.exec(template);
  const made = addresses.map((address, i) => {
    const line = template.replace(ADDRESS, address);
    // HAProxy names each server ("server tn1 10.0.0.11:3000 check"); nginx does not.
    return named === null ? line : line.replace(/^(\s*server\s+)\S+/, `$1tn${i + 1}`);
  });
  const kept = lines.filter((line, i) => i === first || !(serverLine.test(line) && ADDRESS.test(line)));
  const at = kept.indexOf(template);
  kept.splice(at, 1, ...made);
  return kept.join('\n');
}

export function haproxyConfig(addresses: readonly string[]): string {
  return withServers(guideBlock('haproxy'), addresses, /^\s*server\s/);
}

/** The guide's nginx block (an `upstream` and a `server`, which live inside `http {}`) in a whole nginx.conf. */
export function nginxConfig(addresses: readonly string[], workDir: string): string {
  const block = withServers(guideBlock('nginx'), addresses, /^\s*server\s+\d/);
  return [
    'daemon off;',
    'worker_processes 1;',
    `pid ${join(workDir, 'nginx.pid')};`,
    'error_log stderr warn;',
    'events { worker_connections 1024; }',
    'http {',
    '    access_log off;',
    `    client_body_temp_path ${join(workDir, 'client_body')};`,
    `    proxy_temp_path ${join(workDir, 'proxy')};`,
    `    fastcgi_temp_path ${join(workDir, 'fastcgi')};`,
    `    uwsgi_temp_path ${join(workDir, 'uwsgi')};`,
    `    scgi_temp_path ${join(workDir, 'scgi')};`,
    '    # From docs/deploying.md, addresses substituted:',
    block,
    '}',
    '',
  ].join('\n');
}
