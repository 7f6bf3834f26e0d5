/**
 * The controller's view of etcd: a watch on the node keys through every
 * member separately (a member cut off from the quorum stops delivering
 * events, the others go on), so the timeline knows when each lease-bound node
 * key appeared and when etcd deleted it, and which member each member takes
 * for the leader.
 */
import { Etcd3, type Watcher } from 'etcd3';
import type { Timeline } from './timeline.js';

export interface EtcdWatch {
  close(): Promise<void>;
}

const STATUS_EVERY_MS = 1000;

export async function watchEtcd(
  members: readonly { name: string; url: string }[],
  prefix: string,
  timeline: Timeline,
): Promise<EtcdWatch> {
  // The first watcher to report a revision wins: that is the earliest the controller knew of it.
  const seen = new Set<string>();
  const clients: Etcd3[] = [];
  const watchers: Watcher[] = [];
  const memberNames = new Map<string, string>();
  const leaderSeen = new Map<string, string>();
  let polling = true;

  for (const member of members) {
    const client = new Etcd3({
      hosts: [member.url],
      defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + 800 }),
    });
    clients.push(client);
    const watcher = await client.watch().prefix(`${prefix}/nodes/`).create();
    watchers.push(watcher);
    const record = (change: 'put' | 'delete', kv: { key: Buffer; mod_revision: string; value: Buffer }): void => {
      const id = `${change} ${kv.mod_revision} ${kv.key.toString()}`;
      if (seen.has(id)) return;
      seen.add(id);
      let holderPid: number | undefined;
      if (change === 'put') {
        try {
          const pid = (JSON.parse(kv.value.toString()) as { pid?: unknown }).pid;
          if (typeof pid === 'number') holderPid = pid;
        } catch {
          // Not tracknum's value; the checker ignores it.
        }
      }
      timeline.add({
        type: 'node-key',
        change,
        key: kv.key.toString(),
        revision: kv.mod_revision,
        ...(holderPid === undefined ? {} : { holderPid }),
        seenVia: member.name,
      });
    };
    watcher.on('put', (kv) => record('put', kv));
    watcher.on('delete', (kv) => record('delete', kv));
    watcher.on('error', () => undefined);
  }

  // Member IDs to names, so that the timeline says which member leads.
  for (const client of clients) {
    try {
      const list = await client.cluster.memberList({});
      for (const m of list.members) memberNames.set(m.ID, m.name);
      break;
    } catch {
      // Try the next member.
    }
  }

  const poll = async (): Promise<void> => {
    while (polling) {
      await Promise.all(
        members.map(async (member, i) => {
          try {
            const status = await clients[i]!.maintenance.status();
            memberNames.set(status.header.member_id, member.name);
            const leader = memberNames.get(status.leader) ?? `id ${status.leader}`;
            if (leaderSeen.get(member.name) !== leader) {
              leaderSeen.set(member.name, leader);
              timeline.add({ type: 'etcd-leader', member: member.name, leader });
            }
          } catch {
            if (leaderSeen.get(member.name) !== 'unreachable') {
              leaderSeen.set(member.name, 'unreachable');
              timeline.add({ type: 'etcd-leader', member: member.name, leader: 'unreachable' });
            }
          }
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, STATUS_EVERY_MS));
    }
  };
  const polled = poll();

  return {
    close: async () => {
      polling = false;
      await polled;
      await Promise.all(watchers.map((w) => w.cancel().catch(() => undefined)));
      clients.forEach((c) => c.close());
    },
  };
}
