/*
 * tracknum.pml: a Promela model of how tracknum keeps tracking numbers unique
 * across instances that lease node IDs from etcd. What it covers, what it
 * leaves out, how to run it and what it found: model/README.md.
 *
 * This is the protocol of issue 17: the lease decides who may extend a node
 * ID's mark and who may claim the node ID, not who may issue below a mark
 * already stored. Workers check only the limit, never the lease deadline; an
 * instance that lost its lease goes on issuing under its old node ID, below
 * its old limit, while it claims a node ID again, and switches to the new one
 * only when begin() of the new one has stored the new mark.
 *
 * A number is (second, nodeId, counter). The counter is abstracted away: what
 * must never happen is that two holder-epochs use the same (nodeId, second).
 * A holder-epoch is what one process issues under one node ID between the
 * switch of a successful begin() and the end of that issuing (the switch of
 * the next begin(), shutdown, or the death of the process).
 *
 * Properties, asserted at every issued number:
 *   P1 no other holder-epoch has used this (nodeId, second): checked on a
 *      record of every pair used (pastUse, curUse);
 *   P2 the second lies below the last mark this process wrote for this node
 *      ID and saw acknowledged (acked): no worker issues at or above a limit
 *      that etcd has not confirmed.
 *
 * ----------------------------------------------------------------------------
 * The steps of the model and the code they stand for. This table is the one
 * place that names code: the steps print their own names, so a replayed trail
 * (spin -t) reads like a log that this table translates. "Issue 17" marks
 * what the model checks ahead of the code.
 *
 *  step (inline)                      code
 *  ---------------------------------  ------------------------------------------
 *  processStart                       main.ts main() -> primary.ts startPrimary()
 *                                     -> NodeIdHolder.start()
 *  EtcdNodeIds_claim                  nodeIds/etcd.ts EtcdNodeIds.claim():
 *                                     lease.grant(); #takeFreeNodeId() (Txn
 *                                     "Version(<prefix>/nodes/<id>) == 0 -> put
 *                                     with lease"); new EtcdNodeIdLease; then
 *                                     nodeIdHolder.ts #adopt() (#lease = claimed).
 *                                     On failure claim()'s catch: lease.revoke()
 *  SecondsReservation_begin           reservation.ts begin(), up to its write:
 *                                     store.read(); checkedMark(); start =
 *                                     max(wall, stored, clockSecond + 1);
 *                                     store.write(start + lead). Issue 17: no
 *                                     stop() first; the old node ID's epoch goes
 *                                     on issuing meanwhile
 *  SecondsReservation_switch          the rest of begin(), synchronous after the
 *                                     write: generation 0, advanceClockTo(start),
 *                                     #store, #floor, limit, nodeId, generation
 *                                     + 1. Then NodeIdHolder #reclaim(): "if
 *                                     (!#stopping) return true", else return
 *                                     false (release() settles this node ID)
 *  reclaim_or_exit                    after a failed claim or begin: #reclaim()'s
 *                                     catch (lease?.release(); issue 17: no
 *                                     reservation.stop()) and its next attempt;
 *                                     during start-up, NodeIdHolder.start()'s
 *                                     catch, and the process exits 1
 *  lease_lost                         NodeIdHolder #hold() when lease.lost
 *                                     resolves. Issue 17: no abandon(), no stop();
 *                                     await lease.release(); #reclaim()
 *  EtcdNodeIdLease_renew              etcdLease.ts #renew(): keepaliveOnce();
 *                                     EtcdLeaseInvalidError -> #end()
 *  EtcdNodeIdLease_fence              the fence timer -> #end(). When it fires
 *                                     does not matter any more: it may fire at
 *                                     any step (the trust is not modelled)
 *  SecondsReservation_extend          NodeIdHolder #check(): needsExtension()
 *                                     (issue 17: limit < wall + lead);
 *                                     extend(): store.write(wall + lead)
 *  SecondsReservation_extend_resumes  extend() after its await: "if
 *                                     (!this.#issuing || store !== this.#store)
 *                                     return"; writeLimit()
 *  Allocator_next                     a worker: allocator.ts Allocator.next()
 *                                     (takeBlock() on the shared clock below the
 *                                     limit, the generation read again after the
 *                                     draw), then routes.ts: issue 17, no lease
 *                                     check after the draw (isDraining only)
 *  shutdown_sigterm                   primary.ts shutdown(): stopHolding(),
 *                                     markDraining(), drain; release():
 *                                     reservation.stop()
 *  SecondsReservation_settle          release(): await #holding; await
 *                                     #extending; reservation.settle();
 *                                     #lease.release(); exit 0
 *  kill9                              kill -9 (or a signal before main()
 *                                     installed its SIGTERM handler)
 *  highWaterStore_write               EtcdNodeIds.highWaterStore().write: Txn
 *                                     "Lease(<prefix>/nodes/<id>) == ourLease ->
 *                                     put <prefix>/high-water/<id>"; NODE_ID_LOST
 *                                     -> #end() of the lease whose store it is
 *                                     (the wrapper in the EtcdNodeIdLease
 *                                     constructor)
 *  EtcdNodeIdLease_release            EtcdNodeIdLease.release(): #end();
 *                                     lease.revoke()
 *  etcd_revoke                        etcd3 Lease.revoke()
 *  tick, etcd_expire, clock_step      time passes; etcd expires a lease whose TTL
 *                                     has run out (deleting its node key); a
 *                                     host's wall clock is set forward or back
 * ----------------------------------------------------------------------------
 *
 * Abstractions (model/README.md has the list; here, why merging steps loses
 * nothing that matters):
 *  - Nothing forces a step before time moves on: every step may be late by
 *    any amount, which covers frozen processes and late timers.
 *  - Each etcd request is atomic at etcd; the caller sees its outcome, or a
 *    failure whether or not it took effect.
 *  - grant + node-key Txn are one step: time passing between them is time
 *    passing before the (later) begin.
 *  - begin()'s read + write are one step: between them only the holder of
 *    the node key can change the mark, a write under a key lost in between
 *    is refused either way, and what the old epoch issues in between reads
 *    nothing the write changes (the write's value is fixed at the read).
 *    The switch is a step of its own: the old epoch issues, and moves the
 *    clock, between the write and the switch.
 *  - The switch is one step: the generation is 0 while the clock, limit and
 *    node ID change, and a worker's draw counts only if the generation is
 *    the same before and after it (the seqlock in allocator.ts), so each
 *    draw falls wholly before or wholly after the switch.
 *  - a keepalive's sending and arrival are one step; a renewal that arrived
 *    with its reply lost is a failed one with etcd expiring the lease late,
 *    which etcd may do anyway (expiry in the model can come any time after
 *    exp[k], and a lease not yet expired can still be renewed).
 *  - The fence (the lease's trust running out) may fire at any step: no
 *    property rests on when it fires, so every timing is checked at once.
 *  - SIGTERM and settle() are one step when settling could start at once:
 *    the process issues nothing in between, and whatever else it might do
 *    in between (a renewal, a fence) it can do before.
 *
 * Compile-time switches (spin -D...). Each one removes a defence, and spin
 * must find the violation named (test/model/spin.test.ts checks it does):
 *  UNGUARDED_MARK_WRITE        mark writes are plain puts, not Txns guarded by
 *                              the lease (P1)
 *  LIMIT_BEFORE_ACK            extend() raises the limit before its write is
 *                              acknowledged (P2; with NO_P2, P1)
 *  SUCCESSOR_BELOW_MARK        begin() starts at max(wall, clockSecond + 1),
 *                              ignoring the mark it read (P1)
 *  SETTLE_BELOW_FLOOR          settle() writes one above the last second the
 *                              epoch issued (0 if none), with no floor (P1)
 *  WORKER_ISSUES_AT_LIMIT      takeBlock() takes second == limit too (P2; with
 *                              NO_P2, P1)
 *  BEGIN_SWITCHES_STORE_FIRST  begin() and settle() before the fix of issue 13
 *                              (defect 1): begin() stops issuing and switches
 *                              #store before it reads and writes the mark, and
 *                              moves the clock before the write; settle()
 *                              writes min(limit, usedSecondsBound) with no
 *                              floor (P1, through settle())
 * and three that are not defects:
 *  SETTLE_NO_FLOOR             settle() without the floor: no error (the clock
 *                              moved to start >= floor already bounds it)
 *  ETCD_EXPIRES_EARLY          etcd may expire a lease at any time, even before
 *                              its TTL has run out: no error (no property rests
 *                              on when a lease ends)
 *  NO_P2                       do not assert P2 (to see whether P1 alone fails)
 * Bounds and parameters, with their defaults below: N instances, NODES node
 * IDs, LEASES leases granted in all (IDs never reused), TMAX last tick (time
 * runs 0..TMAX), MAXFAULTS faults in all (kill -9, an etcd request that fails
 * or whose reply is lost), MAXSTEPS wall clock steps in all, TTL of the
 * lease, LEAD (aheadSeconds), OFFMAX (how far ahead a wall clock can be),
 * AHEAD (hosts whose clock starts OFFMAX ahead), HISTORY_NODES (node IDs that
 * earlier holders, now gone, left with used seconds below mark HISTORY).
 */

#ifndef N
#define N 2
#endif
#ifndef NODES
#define NODES 2
#endif
#ifndef LEASES
#define LEASES 3
#endif
#ifndef TTL
#define TTL 1
#endif
#ifndef LEAD
#define LEAD 1
#endif
#ifndef OFFMAX
#define OFFMAX 1
#endif
#ifndef TMAX
#define TMAX 1
#endif
#ifndef MAXFAULTS
#define MAXFAULTS 2
#endif
#ifndef MAXSTEPS
#define MAXSTEPS 1
#endif
#ifndef AHEAD
#define AHEAD 1
#endif
#ifndef HISTORY_NODES
#define HISTORY_NODES 1
#endif
/* The mark earlier holders left: they used seconds up to HISTORY - 1. */
#define HISTORY (OFFMAX + LEAD)
/* HIGHEST_MARK in reservation.ts: no mark above it, so no second at or above
 * it is used. A begin() raises the highest mark by at most LEAD, so with this
 * value the cap never binds (asserted) and cuts no behaviour off. The record
 * of used seconds is a 16-bit mask: SMAX must stay below 16. */
#define SMAX (TMAX + OFFMAX + (LEASES + 1) * LEAD)

/* ---- etcd ----------------------------------------------------------------- */
byte now;                 /* real time, in ticks; a tick is one second of the layout */
byte faults;              /* faults so far */
byte steps;               /* wall clock steps so far */
byte granted;             /* leases granted so far: their IDs are 1..granted */
byte exp[LEASES + 1];     /* lease k exists until etcd expires it, which etcd may do
                             once now >= exp[k]; 0: gone */
byte nodeOf[LEASES + 1];  /* 1 + the node ID whose key lease k was bound to; 0: none */
byte nodeKey[NODES];      /* <prefix>/nodes/<n>: the lease it is bound to; 0: absent */
byte mark[NODES];         /* <prefix>/high-water/<n>: outside any lease */

/* ---- the record of used (nodeId, second) pairs, and what was acknowledged ---- */
/* Bit s of pastUse[n]: second s of node n was used by an epoch that has ended.
 * Bit s of curUse[i]: the current epoch of instance i used second s of its node. */
short pastUse[NODES];
short curUse[N];
/* acked[i * NODES + n]: the last mark for node n that instance i wrote and saw
 * acknowledged (reset where no step will read it again: see canon). */
byte acked[N * NODES];
#ifdef SETTLE_BELOW_FLOOR
byte epochHi[N];          /* one above the last second the current epoch issued; 0: none */
#endif

/* ---- instances ---------------------------------------------------------------- */
/* hold[i]: where the primary's main line (start, holding loop, #reclaim) is */
#define CLAIM      0   /* EtcdNodeIds.claim() next: the first one (starting), or in #reclaim() */
#define BEGIN      1   /* node ID adopted: SecondsReservation.begin() next */
#define SWITCH     2   /* begin()'s write acknowledged: its switch next */
#define HOLDING    3   /* holding loop: awaiting lease.lost or stopped */
#define HOLD_DONE  4   /* holding loop returned; release() settles next */
/* A process that has started and done nothing yet cannot be told from one
 * that has not started: there is no separate "down" state. */
#define FRESH(i) (hold[i] == CLAIM && starting[i])

byte hold[N];
bit  starting[N];     /* inside NodeIdHolder.start(): a failure exits */
bit  stopping[N];     /* shutdown() has begun: draining, extension timer cleared */
byte off[N];          /* this host's wall clock reads now + off[i] */

/* the EtcdNodeIdLease in NodeIdHolder's #lease */
byte lease[N];        /* its lease ID; 0: none yet */
bit  ended[N];        /* #ended: lease.lost has resolved */

/* SecondsReservation and the control block */
byte stLease[N];      /* #store: the store of the node ID of lease stLease[i], written
                         under that lease; 0: undefined. While the instance claims again
                         it is the old lease, not lease[i] */
byte floor[N];        /* #floor */
byte limit[N];        /* control block: limit */
bit  issuing[N];      /* control block: generation != 0 and not draining */
byte clockSec[N];     /* logical clock: its second ... */
bit  clockUsed[N];    /* ... and whether its counter is past 0 */
byte pendStart[N];    /* between begin()'s write and its switch: start ... */
byte pendFloor[N];    /* ... and the mark it read */

/* an extend() whose write succeeded and which has not resumed yet */
bit  extPending[N];
bit  extStale[N];     /* #store has changed since that extend() began */
byte extMark[N];

/* ---- helpers --------------------------------------------------------------------- */
#define WALL(i) (now + off[i])
#define MAX(a, b) ((a) > (b) -> (a) : (b))
#define MIN(a, b) ((a) < (b) -> (a) : (b))
#define USED_BOUND(i) (clockSec[i] + clockUsed[i])   /* usedSecondsBound() */
#define NODE(k) (nodeOf[k] - 1)
#define SNODE(i) NODE(stLease[i])                    /* the node ID workers issue under */

/* The guard of a fault branch: taken only while the budget lasts. */
#define FAULT faults < MAXFAULTS -> faults++;

/* What the caller of an etcd request sees. */
#define R_OK      1
#define R_FAILED  2   /* an error or a timeout: the request may or may not have taken effect */
#define R_REFUSED 3   /* the Txn's compare failed: NODE_ID_LOST */

/* Lease k goes, and so does the node key bound to it (a revoke, or an expiry). */
inline dropLease(k) {
  exp[k] = 0;
  if
  :: nodeOf[k] != 0 && nodeKey[NODE(k)] == k -> nodeKey[NODE(k)] = 0
  :: else -> skip
  fi
}

/* A revoke, which may not reach etcd. */
inline etcd_revoke(k) {
  if
  :: k != 0 && exp[k] != 0 -> dropLease(k)
  :: FAULT printf("MSC: %d t=%d   etcd_revoke failed\n", i, now)
  :: else -> skip
  fi
}

inline EtcdNodeIdLease_release(i) {
  ended[i] = 1;
  etcd_revoke(lease[i])
}

/* The mark of node n := value, under lease k: a Txn guarded by the node key's lease. */
inline highWaterStore_write(n, k, value, r) {
#ifdef UNGUARDED_MARK_WRITE
  if
  :: nodeKey[n] != k -> printf("MSC: %d t=%d highWaterStore_write: unguarded, node %d's key is not bound to lease %d\n", i, now, n, k)
  :: else -> skip
  fi;
  if
  :: mark[n] = value; r = R_OK
  :: FAULT mark[n] = value; r = R_FAILED; printf("MSC: %d t=%d   (applied, reply lost)\n", i, now)
  :: FAULT r = R_FAILED; printf("MSC: %d t=%d   (not applied)\n", i, now)
  fi;
#else
  if
  :: nodeKey[n] == k ->
     if
     :: mark[n] = value; r = R_OK
     :: FAULT mark[n] = value; r = R_FAILED; printf("MSC: %d t=%d   (applied, reply lost)\n", i, now)
     :: FAULT r = R_FAILED; printf("MSC: %d t=%d   (not applied)\n", i, now)
     fi
  :: else ->
     if
     :: r = R_REFUSED; printf("MSC: %d t=%d   (refused: NODE_ID_LOST)\n", i, now)
     :: FAULT r = R_FAILED; printf("MSC: %d t=%d   (refused, reply lost)\n", i, now)
     fi
  fi;
#endif
  if
  :: r == R_OK -> acked[i * NODES + n] = value
  :: else -> skip
  fi;
  /* NODE_ID_LOST ends the lease whose store it is; of an old lease, that has ended already */
  if
  :: r == R_REFUSED && k == lease[i] -> ended[i] = 1
  :: else -> skip
  fi
}

/* The current epoch of instance i, if any, is over: it issues no more. */
inline endEpoch(i) {
  issuing[i] = 0;
  pastUse[0] = pastUse[0] | (SNODE(i) == 0 -> curUse[i] : 0);
  pastUse[1] = pastUse[1] | (SNODE(i) == 1 -> curUse[i] : 0);
#if NODES > 2
  pastUse[2] = pastUse[2] | (SNODE(i) == 2 -> curUse[i] : 0);
#endif
  curUse[i] = 0
}

/* The process has exited or was killed: a new one starts with fresh state. */
inline processStart(i) {
  printf("MSC: %d t=%d processStart (the process before it is gone)\n", i, now);
  endEpoch(i);
  hold[i] = CLAIM; starting[i] = 1; stopping[i] = 0;
  lease[i] = 0; ended[i] = 0;
  stLease[i] = 0; floor[i] = 0; limit[i] = 0; clockSec[i] = 0; clockUsed[i] = 0;
  pendStart[i] = 0; pendFloor[i] = 0;
  extPending[i] = 0; extStale[i] = 0; extMark[i] = 0
  /* acked[i * NODES + _] is reset by canon() */
}

inline reclaim_or_exit(i) {
  if
  :: starting[i] -> processStart(i)
  :: else -> hold[i] = CLAIM
  fi
}

/* ---- steps ------------------------------------------------------------------------ */

inline EtcdNodeIds_claim(i) {
  if
  :: granted < LEASES ->
     granted++; k = granted; exp[k] = now + TTL;
     /* #takeFreeNodeId(): the lowest free ID of a snapshot that may be stale: any free one */
     if
     :: nodeKey[0] == 0 -> n = 0
     :: nodeKey[1] == 0 -> n = 1
#if NODES > 2
     :: nodeKey[2] == 0 -> n = 2
#endif
     :: else -> n = NODES
     fi;
     if
     :: n < NODES -> nodeKey[n] = k; nodeOf[k] = n + 1; r = R_OK
     :: n < NODES && faults < MAXFAULTS -> faults++; nodeKey[n] = k; nodeOf[k] = n + 1; r = R_FAILED  /* reply lost */
     :: n < NODES && faults < MAXFAULTS -> faults++; r = R_FAILED                                     /* never applied */
     :: else -> r = R_FAILED                                                                          /* NODE_IDS_EXHAUSTED */
     fi
  :: FAULT r = R_FAILED                        /* the grant fails */
  :: else -> r = R_FAILED                      /* no lease left in the model: as if etcd were down */
  fi;
  if
  :: r == R_OK ->
     printf("MSC: %d t=%d EtcdNodeIds_claim: node %d under lease %d\n", i, now, n, k);
#ifdef BEGIN_SWITCHES_STORE_FIRST
     endEpoch(i);                /* begin() began with stop() ... */
     stLease[i] = k;             /* ... and this.#store = store, synchronously */
     extStale[i] = 1;
#endif
     lease[i] = k; ended[i] = 0;
     hold[i] = BEGIN
  :: else ->
     printf("MSC: %d t=%d EtcdNodeIds_claim failed (granted %d); revoke\n", i, now, granted);
     etcd_revoke(k);
     reclaim_or_exit(i)
  fi;
  k = 0; n = 0; r = 0
}

inline SecondsReservation_begin(i) {
  k = lease[i]; n = NODE(k);
  if
  :: FAULT printf("MSC: %d t=%d SecondsReservation_begin: reading node %d's mark failed\n", i, now, n);
     r = R_FAILED
  :: true ->
#ifdef SUCCESSOR_BELOW_MARK
     s = MAX(WALL(i), clockSec[i] + 1);
#else
     s = MAX(MAX(WALL(i), mark[n]), clockSec[i] + 1);
#endif
     assert(s + LEAD <= SMAX);
     m = MIN(s + LEAD, SMAX);
     j = mark[n];
#ifdef BEGIN_SWITCHES_STORE_FIRST
     clockSec[i] = s; clockUsed[i] = 0;            /* advanceClockTo() came before the write */
#endif
     highWaterStore_write(n, k, m, r)
  fi;
  if
  :: r == R_OK ->
     printf("MSC: %d t=%d SecondsReservation_begin: node %d read %d, start %d, wrote %d\n", i, now, n, j, s, m);
     pendStart[i] = s; pendFloor[i] = j;
     hold[i] = SWITCH
  :: else ->
     printf("MSC: %d t=%d SecondsReservation_begin failed: release\n", i, now);
     EtcdNodeIdLease_release(i);
     reclaim_or_exit(i)
  fi;
  j = 0; k = 0; n = 0; s = 0; m = 0; r = 0
}

inline SecondsReservation_switch(i) {
  endEpoch(i);                                     /* generation 0: the old epoch is over */
  if
  :: clockSec[i] < pendStart[i] -> clockSec[i] = pendStart[i]; clockUsed[i] = 0   /* advanceClockTo() */
  :: else -> skip                                  /* the old epoch's clock is past start already */
  fi;
  if :: extPending[i] -> extStale[i] = 1 :: else -> skip fi;
  stLease[i] = lease[i];
  floor[i] = pendFloor[i];
  limit[i] = MIN(pendStart[i] + LEAD, SMAX);
  issuing[i] = !stopping[i];                       /* draining workers issue nothing */
#ifdef SETTLE_BELOW_FLOOR
  epochHi[i] = 0;
#endif
  printf("MSC: %d t=%d SecondsReservation_switch: node %d, limit %d, clock %d\n", i, now, SNODE(i), limit[i], clockSec[i]);
  pendStart[i] = 0; pendFloor[i] = 0;
  if
  :: starting[i] -> starting[i] = 0; hold[i] = HOLDING  /* workers, timer and holding loop start */
  :: !starting[i] && !stopping[i] -> hold[i] = HOLDING  /* #reclaim() returns true */
  :: !starting[i] && stopping[i] ->
     printf("MSC: %d t=%d SecondsReservation_switch: stopping meanwhile: #reclaim() returns false\n", i, now);
     hold[i] = HOLD_DONE
  fi
}

/* The holding loop sees the lease lost: issue 17 keeps the reservation as it
 * is (issuing under the old node ID below the old limit), releases the lease
 * and claims again. */
inline lease_lost(i) {
  printf("MSC: %d t=%d lease_lost: release; claim again (still issuing below limit %d)\n", i, now, limit[i]);
  EtcdNodeIdLease_release(i);
  hold[i] = CLAIM
}

inline EtcdNodeIdLease_renew(i) {
  k = lease[i];
  if
  :: exp[k] != 0 ->
     if
     :: exp[k] = now + TTL; r = R_OK
     :: FAULT r = R_FAILED      /* fails or times out (if it renewed the lease and only
                                   the reply was lost, that is this with etcd expiring
                                   the lease late, which etcd may do anyway) */
     fi
  :: else ->
     if
     :: r = R_REFUSED           /* EtcdLeaseInvalidError */
     :: FAULT r = R_FAILED
     fi
  fi;
  if
  :: r == R_OK -> printf("MSC: %d t=%d EtcdNodeIdLease_renew\n", i, now)
  :: r == R_REFUSED ->
     printf("MSC: %d t=%d EtcdNodeIdLease_renew: lease invalid; ended\n", i, now);
     ended[i] = 1
  :: else ->
     printf("MSC: %d t=%d EtcdNodeIdLease_renew failed\n", i, now)
  fi;
  k = 0; r = 0
}

inline EtcdNodeIdLease_fence(i) {
  printf("MSC: %d t=%d EtcdNodeIdLease_fence: not trusted any more; ended\n", i, now);
  ended[i] = 1
}

inline SecondsReservation_extend(i) {
  assert(WALL(i) + LEAD <= SMAX);
  m = MIN(WALL(i) + LEAD, SMAX);
#ifdef LIMIT_BEFORE_ACK
  limit[i] = m;                                    /* the defect: writeLimit() before the write */
#endif
  highWaterStore_write(SNODE(i), stLease[i], m, r);
  if
  :: r == R_OK ->
     printf("MSC: %d t=%d SecondsReservation_extend: node %d, wrote %d\n", i, now, SNODE(i), m);
     extPending[i] = 1; extStale[i] = 0; extMark[i] = m
  :: else ->
     printf("MSC: %d t=%d SecondsReservation_extend: node %d, write of %d failed\n", i, now, SNODE(i), m)
  fi;
  m = 0; r = 0
}

inline SecondsReservation_extend_resumes(i) {
  if
  :: issuing[i] && !extStale[i] ->
     printf("MSC: %d t=%d SecondsReservation_extend_resumes: limit %d\n", i, now, extMark[i]);
     limit[i] = extMark[i]
  :: else ->
     printf("MSC: %d t=%d SecondsReservation_extend_resumes: reservation changed; limit kept\n", i, now)
  fi;
  extPending[i] = 0; extStale[i] = 0; extMark[i] = 0
}

#ifdef WORKER_ISSUES_AT_LIMIT
#define BELOW_LIMIT(s, i) ((s) <= limit[i])
#else
#define BELOW_LIMIT(s, i) ((s) < limit[i])
#endif

/* The seconds of node n that the current epochs of the other instances used. */
#if N == 2
#define CUR_OTHERS(i, n) (OTHER_CUR(i, 0, n) | OTHER_CUR(i, 1, n))
#else
#define CUR_OTHERS(i, n) (OTHER_CUR(i, 0, n) | OTHER_CUR(i, 1, n) | OTHER_CUR(i, 2, n))
#endif
#define OTHER_CUR(i, j, n) ((i != j && SNODE(j) == n) -> curUse[j] : 0)

inline Allocator_next(i) {
  if
  :: WALL(i) > clockSec[i] -> s = WALL(i)                           /* a fresh second: the wall clock's */
  :: WALL(i) <= clockSec[i] -> s = clockSec[i]                      /* counters left in this second */
  :: WALL(i) <= clockSec[i] && clockUsed[i] -> s = clockSec[i] + 1  /* this second's counters are spent */
  fi;
  if
  :: BELOW_LIMIT(s, i) ->
     clockSec[i] = s; clockUsed[i] = 1;                             /* takeBlock() */
     n = SNODE(i);
     printf("MSC: %d t=%d Allocator_next: issued node %d second %d (limit %d)\n", i, now, n, s, limit[i]);
#ifndef NO_P2
     assert(s < acked[i * NODES + n]);                                        /* P2 */
#endif
     assert(((pastUse[n] | CUR_OTHERS(i, n)) & (1 << s)) == 0);                 /* P1 */
     curUse[i] = curUse[i] | (1 << s);
#ifdef SETTLE_BELOW_FLOOR
     epochHi[i] = MAX(epochHi[i], s + 1);
#endif
  :: else -> skip                                                   /* 503: the reserved seconds are used up */
  fi;
  s = 0; n = 0
}

inline shutdown_sigterm(i) {
  printf("MSC: %d t=%d shutdown_sigterm: stopping, draining, stop\n", i, now);
  stopping[i] = 1;
  endEpoch(i)
}

/* Settling can start once the holding loop has returned (or returns at once:
 * it is waiting in HOLDING, or between two attempts of #reclaim()) and no
 * extend() is under way. */
#define SETTLE_READY(i) (stopping[i] && !extPending[i] && (hold[i] == HOLDING || hold[i] == HOLD_DONE || hold[i] == CLAIM))

inline SecondsReservation_settle(i) {
#if defined(BEGIN_SWITCHES_STORE_FIRST) || defined(SETTLE_NO_FLOOR)
  m = MIN(limit[i], USED_BOUND(i));
#elif defined(SETTLE_BELOW_FLOOR)
  m = MIN(limit[i], epochHi[i]);
#else
  m = MAX(floor[i], MIN(limit[i], USED_BOUND(i)));
#endif
  if
  :: stLease[i] == 0 ->
     printf("MSC: %d t=%d SecondsReservation_settle: no store, nothing written\n", i, now)
  :: else ->
     printf("MSC: %d t=%d SecondsReservation_settle: writes %d into node %d's mark, under lease %d\n", i, now, m, SNODE(i), stLease[i]);
     highWaterStore_write(SNODE(i), stLease[i], m, r)
  fi;
  printf("MSC: %d t=%d shutdown: release; exit 0\n", i, now);
  EtcdNodeIdLease_release(i);
  processStart(i);
  m = 0; r = 0
}

inline kill9(i) {
  printf("MSC: %d t=%d kill9\n", i, now);
  processStart(i)
}

/* Values no step reads again are reset, so that states that differ only in
 * them are one state: the limit and floor of a reservation without a store,
 * what was acknowledged for a node ID the instance neither issues under nor
 * is about to switch to (the switch's own write sets it again first), and
 * leases no process refers to whose node key is gone (or never was). */
#define REFERS(j, k) (lease[j] == k || stLease[j] == k)
#if N == 2
#define REFERENCED(k) (REFERS(0, k) || REFERS(1, k))
#else
#define REFERENCED(k) (REFERS(0, k) || REFERS(1, k) || REFERS(2, k))
#endif
inline canonLease(k) {
  if
  :: !REFERENCED(k) && (nodeOf[k] == 0 || nodeKey[NODE(k)] != k) -> exp[k] = 0; nodeOf[k] = 0
  :: else -> skip
  fi
}
#define ACK_NEEDED(i, n) ((issuing[i] && SNODE(i) == n) || (hold[i] == SWITCH && NODE(lease[i]) == n))
inline canonAck(i, n) {
  if :: !ACK_NEEDED(i, n) -> acked[i * NODES + n] = 0 :: else -> skip fi
}
inline canon(i) {
  d_step {
    if :: stLease[i] == 0 -> limit[i] = 0; floor[i] = 0 :: else -> skip fi;
    canonAck(i, 0); canonAck(i, 1);
#if NODES > 2
    canonAck(i, 2);
#endif
#ifdef SETTLE_BELOW_FLOOR
    if :: !issuing[i] && stLease[i] == 0 -> epochHi[i] = 0 :: else -> skip fi;
#endif
    canonLease(1); canonLease(2)
#if LEASES > 2
    ; canonLease(3)
#endif
#if LEASES > 3
    ; canonLease(4)
#endif
#if LEASES > 4
    ; canonLease(5)
#endif
#if LEASES > 5
    ; canonLease(6)
#endif
  }
}

/* ---- processes ---------------------------------------------------------------------- */

proctype Instance(byte i) {
  byte j, k, n, s, m, r;
  do
  :: atomic { hold[i] == CLAIM && !stopping[i] -> EtcdNodeIds_claim(i); canon(i) }
  :: atomic { hold[i] == BEGIN -> SecondsReservation_begin(i); canon(i) }
  :: atomic { hold[i] == SWITCH -> SecondsReservation_switch(i); canon(i) }
  :: atomic { hold[i] == HOLDING && !stopping[i] && ended[i] -> lease_lost(i); canon(i) }
  /* the EtcdNodeIdLease's timers, until it has ended */
  :: atomic { lease[i] != 0 && !ended[i] -> EtcdNodeIdLease_renew(i); canon(i) }
  :: atomic { lease[i] != 0 && !ended[i] -> EtcdNodeIdLease_fence(i); canon(i) }
  /* the extension timer, until shutdown clears it: the reservation kept
   * topped up (issue 17), whether or not the lease is still held */
  :: atomic { !stopping[i] && issuing[i] && stLease[i] != 0 && !extPending[i] &&
              limit[i] < SMAX && limit[i] < WALL(i) + LEAD -> SecondsReservation_extend(i); canon(i) }
  :: atomic { extPending[i] -> SecondsReservation_extend_resumes(i); canon(i) }
  /* the worker threads */
  :: atomic { issuing[i] -> Allocator_next(i); canon(i) }
  /* SIGTERM. When settling could start at once, it does in the same step:
   * nothing this process does in between would matter, as it issues no more. */
  :: atomic { !starting[i] && !stopping[i] -> shutdown_sigterm(i);
              if :: SETTLE_READY(i) -> SecondsReservation_settle(i) :: else -> skip fi; canon(i) }
  :: atomic { SETTLE_READY(i) -> SecondsReservation_settle(i); canon(i) }
  :: atomic { !FRESH(i) && faults < MAXFAULTS -> faults++; kill9(i); canon(i) }
  od
}

#ifdef ETCD_EXPIRES_EARLY
#define EXPIRABLE(k) (exp[k] != 0)
#else
#define EXPIRABLE(k) (exp[k] != 0 && now >= exp[k])
#endif
inline etcd_expire(k) {
  atomic { EXPIRABLE(k) -> printf("MSC: t=%d etcd_expire: lease %d\n", now, k); dropLease(k) }
}

inline clock_step(i, o) {
  atomic { off[i] != o && steps < MAXSTEPS -> steps++; off[i] = o; printf("MSC: %d t=%d clock_step: wall clock now+%d\n", i, now, o) }
}

proctype Environment() {
  do
  :: atomic { now < TMAX -> now++; printf("MSC: t=%d tick\n", now) }
  :: etcd_expire(1)
  :: etcd_expire(2)
#if LEASES > 2
  :: etcd_expire(3)
#endif
#if LEASES > 3
  :: etcd_expire(4)
#endif
#if LEASES > 4
  :: etcd_expire(5)
#endif
#if LEASES > 5
  :: etcd_expire(6)
#endif
  :: clock_step(0, 0)
  :: clock_step(0, OFFMAX)
  :: clock_step(1, 0)
  :: clock_step(1, OFFMAX)
#if N > 2
  :: clock_step(2, 0)
  :: clock_step(2, OFFMAX)
#endif
  od
}

init {
  atomic {
    starting[0] = 1; starting[1] = 1;
#if N > 2
    starting[2] = 1;
#endif
    /* AHEAD hosts start with their wall clock OFFMAX ahead (the instances are
     * alike: which ones does not matter). */
#if AHEAD > 0
    off[0] = OFFMAX;
#endif
#if AHEAD > 1
    off[1] = OFFMAX;
#endif
    /* What earlier holders, now gone, left on the first HISTORY_NODES node
     * IDs: the mark HISTORY, and every second below it used. */
#if HISTORY_NODES > 0
    mark[0] = HISTORY;
    pastUse[0] = (1 << HISTORY) - 1;
#endif
#if HISTORY_NODES > 1
    mark[1] = HISTORY;
    pastUse[1] = (1 << HISTORY) - 1;
#endif
    run Environment();
    run Instance(0);
    run Instance(1);
#if N > 2
    run Instance(2);
#endif
  }
}
