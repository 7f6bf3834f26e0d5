/*
 * tracknum.pml: a Promela model of how tracknum keeps tracking numbers unique
 * across instances that lease node IDs from etcd. What it covers, what it
 * leaves out, how to run it and what it found: model/README.md.
 *
 * A number is (second, nodeId, counter). The counter is abstracted away: what
 * must never happen is that two holder-epochs use the same (nodeId, second).
 * A holder-epoch is what one process issues between a successful
 * SecondsReservation.begin() and the next stop().
 *
 * Properties, asserted at every issued number:
 *   P1 no other holder-epoch has used this (nodeId, second) (by default in a
 *      stronger form, see "the record" below; -DEXACT_RECORD checks P1 itself);
 *   P2 the node key is bound to the issuing lease, and that lease cannot yet
 *      have expired in etcd (now < its expiry).
 *
 * ----------------------------------------------------------------------------
 * The steps of the model and the code they stand for. This table is the one
 * place that names code: the steps print their own names, so a replayed trail
 * (spin -t) reads like a log that this table translates.
 *
 *  step (inline)                      code
 *  ---------------------------------  ------------------------------------------
 *  processStart                       main.ts main() -> primary.ts startPrimary()
 *  EtcdNodeIds_claim                  etcdNodeIds.ts EtcdNodeIds.claim():
 *                                     lease.grant(); #takeFreeNodeId() (Txn
 *                                     "Version(<prefix>/nodes/<id>) == 0 -> put
 *                                     with lease"); new EtcdNodeIdLease (trusted =
 *                                     trustedUntil(grantSentAt, ttl)); then
 *                                     primary.ts adopt() (lease = claimed). On
 *                                     failure claim()'s catch: lease.revoke()
 *  SecondsReservation_begin           reservation.ts SecondsReservation.begin():
 *                                     stop(); store.read(); checkedMark();
 *                                     start = max(wall, stored, clockSecond + 1);
 *                                     store.write(start + lead); advanceClockTo,
 *                                     #store, #floor, limit, nodeId, generation.
 *                                     Then primary.ts reclaim(): "if
 *                                     (!isStopping()) return true", else stop();
 *                                     lease.release()
 *  reclaim_or_exit                    after a failed claim or begin: reclaim()'s
 *                                     catch (reservation.stop(); lease?.release())
 *                                     and its next attempt; during start-up,
 *                                     startPrimary()'s catch and exit(1)
 *  SecondsReservation_abandon         primary.ts holding loop when lease.lost
 *                                     resolves: reservation.abandon() (with
 *                                     -DBEGIN_SWITCHES_STORE_FIRST: stop());
 *                                     await lease.release(); reclaim()
 *  EtcdNodeIdLease_renew              etcdNodeIds.ts EtcdNodeIdLease.#renew():
 *                                     keepaliveOnce(); #trustedUntil = max(..,
 *                                     trustedUntil(sentAt, ttl));
 *                                     EtcdLeaseInvalidError -> #end()
 *  EtcdNodeIdLease_fence              EtcdNodeIdLease.#armFence() timer -> #end()
 *  SecondsReservation_extend          primary.ts extension timer:
 *                                     reservation.needsExtension(); extend():
 *                                     store.write(wall + lead)
 *  SecondsReservation_extend_resumes  extend() after its await: "if
 *                                     (!this.#issuing || store !== this.#store)
 *                                     return"; writeLimit()
 *  Allocator_next_deadline_check      a worker: allocator.ts Allocator.next()
 *                                     (takeBlock() on the shared clock, the
 *                                     generation read again after the draw), then
 *                                     worker/routes.ts issueTrackingNumber()'s
 *                                     isLeaseTrusted() after drawing
 *  shutdown_sigterm                   primary.ts shutdown(): stopping = true,
 *                                     markDraining(), clearInterval(timer),
 *                                     drain, reservation.stop()
 *  SecondsReservation_settle          shutdown(): await holding; await
 *                                     extending; reservation.settle();
 *                                     lease.release(); exit 0
 *  kill9                              kill -9 (or a signal before main()
 *                                     installed its SIGTERM handler)
 *  highWaterStore_write               EtcdNodeIds.highWaterStore().write: Txn
 *                                     "Lease(<prefix>/nodes/<id>) == ourLease ->
 *                                     put <prefix>/high-water/<id>"; NODE_ID_LOST
 *                                     -> #end() (the wrapper in the
 *                                     EtcdNodeIdLease constructor)
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
 *  - grant + node-key Txn are one step: the trust counts from the grant, as
 *    in the code; time passing between them is time passing before the
 *    (later) begin.
 *  - begin()'s read + write are one step: between them only the holder of
 *    the node key can change the mark, and a write under a key lost in
 *    between is refused either way.
 *  - a keepalive's sending and arrival are one step: its trust counts from
 *    the sending; a renewal that arrived with its reply lost is a failed one
 *    with etcd expiring the lease late, which etcd may do anyway (expiry in
 *    the model can come any time after exp[k], and a lease not yet expired
 *    can still be renewed).
 *  - SIGTERM and settle() are one step when settling could start at once:
 *    the process issues nothing in between, and whatever else it might do
 *    in between (a renewal, a fence) it can do before.
 *
 * Compile-time switches (spin -D...):
 *  BEGIN_SWITCHES_STORE_FIRST  the code before the fix of issue 13, defect 1:
 *                              begin() switches #store before it reads and
 *                              writes the mark, settle() writes
 *                              min(limit, usedSecondsBound) into whatever store
 *                              is current, and a loss calls stop(), not abandon()
 *  NO_WORKER_DEADLINE_CHECK    workers do not check the lease deadline after drawing
 *  UNGUARDED_MARK_WRITE        mark writes are plain puts, not Txns guarded by the lease
 *  TRUST_ON_WALL_CLOCK         the lease deadline is kept on the wall clock
 *  EXACT_RECORD                check P1 itself on a record of every used pair
 *  NO_P2                       do not assert P2 (to see whether P1 alone fails)
 * Bounds and parameters, with their defaults below: N instances, NODES node
 * IDs, LEASES leases granted in all (IDs never reused), TMAX last tick (time
 * runs 0..TMAX), MAXFAULTS faults in all (kill -9, an etcd request that fails
 * or whose reply is lost), MAXSTEPS wall clock steps in all, TTL and MARGIN of
 * the lease, LEAD (aheadSeconds), OFFMAX (how far ahead a wall clock can be),
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
#ifndef MARGIN
#define MARGIN 0
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
 * value the cap never binds (asserted) and cuts no behaviour off. */
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

/* ---- the record of used (nodeId, second) pairs ------------------------------ */
#define PAST 15
#ifdef EXACT_RECORD
/* Bit s of pastUse[n]: second s of node n was used by an epoch that has ended.
 * Bit s of curUse[i]: the current epoch of instance i used second s of its node. */
short pastUse[NODES];
short curUse[N];
#else
/* Compact, and stronger than P1: the numbers of a node are issued in epoch
 * order. hiUsed[n] is one above the highest second issued under node n so
 * far, owner[n] who issued it: i+1 for the current epoch of instance i, PAST
 * for an epoch that has ended. An epoch may issue below hiUsed[n] only while
 * it is the owner. An epoch's seconds never decrease (its clock only moves
 * forward), so an epoch reusing another one's pair would issue below
 * hiUsed[n] without being the owner. */
byte hiUsed[NODES];
byte owner[NODES];
#endif

/* ---- instances ---------------------------------------------------------------- */
/* hold[i]: where the primary's main line (startPrimary, holding loop, reclaim) is */
#define CLAIM      0   /* EtcdNodeIds.claim() next: the first one (starting), or in reclaim() */
#define BEGIN      1   /* node ID adopted: SecondsReservation.begin() next */
#define HOLDING    2   /* holding loop: awaiting lease.lost or stopped */
#define HOLD_DONE  3   /* holding loop returned; shutdown() settles next */
/* A process that has started and done nothing yet cannot be told from one
 * that has not started: there is no separate "down" state. */
#define FRESH(i) (hold[i] == CLAIM && starting[i])

byte hold[N];
bit  starting[N];     /* inside startPrimary(): a failure exits */
bit  stopping[N];     /* shutdown() has begun: draining, extension timer cleared */
byte off[N];          /* this host's wall clock reads now + off[i] */

/* the EtcdNodeIdLease in primary.ts's `lease` variable */
byte lease[N];        /* its lease ID; 0: none yet */
bit  ended[N];        /* #ended: lease.lost has resolved */
byte trusted[N];      /* #trustedUntil, on the monotonic clock */

/* SecondsReservation and the control block */
bit  storeSet[N];     /* #store is the store of lease[i]'s node ID; otherwise undefined
                         (it is never another one's: asserted in EtcdNodeIds_claim) */
byte floor[N];        /* #floor */
byte limit[N];        /* control block: limit */
bit  issuing[N];      /* control block: generation != 0 */
byte clockSec[N];     /* logical clock: its second ... */
bit  clockUsed[N];    /* ... and whether its counter is past 0 */

/* an extend() whose write succeeded and which has not resumed yet */
bit  extPending[N];
bit  extStale[N];     /* #store has changed since that extend() began */
byte extMark[N];

/* ---- helpers --------------------------------------------------------------------- */
#define WALL(i) (now + off[i])
#ifdef TRUST_ON_WALL_CLOCK
#define MONO(i) WALL(i)
#else
#define MONO(i) now
#endif
#define MAX(a, b) ((a) > (b) -> (a) : (b))
#define MIN(a, b) ((a) < (b) -> (a) : (b))
#define USED_BOUND(i) (clockSec[i] + clockUsed[i])   /* usedSecondsBound() */
#define NODE(k) (nodeOf[k] - 1)

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
  :: mark[n] = value; r = R_OK
  :: FAULT mark[n] = value; r = R_FAILED
  :: FAULT r = R_FAILED
  fi;
#else
  if
  :: nodeKey[n] == k ->
     if
     :: mark[n] = value; r = R_OK
     :: FAULT mark[n] = value; r = R_FAILED   /* applied, reply lost */
     :: FAULT r = R_FAILED                    /* never applied */
     fi
  :: else ->
     if
     :: r = R_REFUSED
     :: FAULT r = R_FAILED                    /* refused, reply lost */
     fi
  fi;
#endif
  /* NODE_ID_LOST ends the lease */
  if
  :: r == R_REFUSED && k == lease[i] -> ended[i] = 1
  :: else -> skip
  fi
}

/* The current epoch of instance i, if any, is over: it issues no more. */
inline endEpoch(i) {
  issuing[i] = 0;
#ifdef EXACT_RECORD
  pastUse[0] = pastUse[0] | (nodeOf[lease[i]] == 1 -> curUse[i] : 0);
  pastUse[1] = pastUse[1] | (nodeOf[lease[i]] == 2 -> curUse[i] : 0);
#if NODES > 2
  pastUse[2] = pastUse[2] | (nodeOf[lease[i]] == 3 -> curUse[i] : 0);
#endif
  curUse[i] = 0
#else
  if :: owner[0] == i + 1 -> owner[0] = PAST :: else -> skip fi;
  if :: owner[1] == i + 1 -> owner[1] = PAST :: else -> skip fi
#if NODES > 2
  ; if :: owner[2] == i + 1 -> owner[2] = PAST :: else -> skip fi
#endif
#endif
}

/* The process has exited or was killed: a new one starts with fresh state. */
inline processStart(i) {
  printf("MSC: %d t=%d processStart (the process before it is gone)\n", i, now);
  endEpoch(i);
  hold[i] = CLAIM; starting[i] = 1; stopping[i] = 0;
  lease[i] = 0; ended[i] = 0; trusted[i] = 0;
  storeSet[i] = 0; floor[i] = 0; limit[i] = 0; clockSec[i] = 0; clockUsed[i] = 0;
  extPending[i] = 0; extStale[i] = 0; extMark[i] = 0
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
     storeSet[i] = 1;            /* begin() runs on synchronously to this.#store = store */
#else
     assert(!storeSet[i]);       /* abandoned at the loss, or never set: #store never names another node */
#endif
     extStale[i] = 1;
     lease[i] = k; ended[i] = 0;
     trusted[i] = MONO(i) + TTL - MARGIN;
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
  endEpoch(i);                                     /* stop() */
  if
  :: FAULT printf("MSC: %d t=%d SecondsReservation_begin: reading node %d's mark failed\n", i, now, n);
     r = R_FAILED
  :: true ->
     s = MAX(MAX(WALL(i), mark[n]), clockSec[i] + 1);
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
     printf("MSC: %d t=%d SecondsReservation_begin: node %d read %d, wrote %d; issuing from second %d\n", i, now, n, j, m, s);
     clockSec[i] = s; clockUsed[i] = 0;
     storeSet[i] = 1; extStale[i] = 1;
#ifndef BEGIN_SWITCHES_STORE_FIRST
     floor[i] = j;
#endif
     limit[i] = m; issuing[i] = 1;
     if
     :: starting[i] -> starting[i] = 0; hold[i] = HOLDING  /* workers, timer and holding loop start */
     :: !starting[i] && !stopping[i] -> hold[i] = HOLDING  /* reclaim() returns true */
     :: !starting[i] && stopping[i] ->
        printf("MSC: %d t=%d SecondsReservation_begin: stopping meanwhile: stop; release\n", i, now);
        issuing[i] = 0; EtcdNodeIdLease_release(i); hold[i] = HOLD_DONE
     fi
  :: else ->
     printf("MSC: %d t=%d SecondsReservation_begin failed: stop; release\n", i, now);
     EtcdNodeIdLease_release(i);
     reclaim_or_exit(i)
  fi;
  j = 0; k = 0; n = 0; s = 0; m = 0; r = 0
}

inline SecondsReservation_abandon(i) {
  endEpoch(i);
#ifdef BEGIN_SWITCHES_STORE_FIRST
  printf("MSC: %d t=%d lease lost: stop (not abandon); release; reclaim\n", i, now);
#else
  printf("MSC: %d t=%d lease lost: SecondsReservation_abandon; release; reclaim\n", i, now);
  storeSet[i] = 0; extStale[i] = 1;
#endif
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
  :: r == R_OK ->
     trusted[i] = MAX(trusted[i], MONO(i) + TTL - MARGIN);
     printf("MSC: %d t=%d EtcdNodeIdLease_renew: trusted until %d\n", i, now, trusted[i])
  :: r == R_REFUSED ->
     printf("MSC: %d t=%d EtcdNodeIdLease_renew: lease invalid; ended\n", i, now);
     ended[i] = 1
  :: else ->
     printf("MSC: %d t=%d EtcdNodeIdLease_renew failed\n", i, now)
  fi;
  k = 0; r = 0
}

inline EtcdNodeIdLease_fence(i) {
  printf("MSC: %d t=%d EtcdNodeIdLease_fence: not renewed in time; ended\n", i, now);
  ended[i] = 1
}

inline SecondsReservation_extend(i) {
  assert(WALL(i) + LEAD <= SMAX);
  m = MIN(WALL(i) + LEAD, SMAX);
  k = lease[i];
  highWaterStore_write(NODE(k), k, m, r);
  if
  :: r == R_OK ->
     printf("MSC: %d t=%d SecondsReservation_extend: wrote %d\n", i, now, m);
     extPending[i] = 1; extStale[i] = 0; extMark[i] = m
  :: else ->
     printf("MSC: %d t=%d SecondsReservation_extend: write failed\n", i, now)
  fi;
  k = 0; m = 0; r = 0
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

inline Allocator_next_deadline_check(i) {
  if
  :: WALL(i) > clockSec[i] -> s = WALL(i)                           /* a fresh second: the wall clock's */
  :: WALL(i) <= clockSec[i] -> s = clockSec[i]                      /* counters left in this second */
  :: WALL(i) <= clockSec[i] && clockUsed[i] -> s = clockSec[i] + 1  /* this second's counters are spent */
  fi;
  if
  :: s < limit[i] ->
     clockSec[i] = s; clockUsed[i] = 1;                             /* takeBlock() */
     if
#ifdef NO_WORKER_DEADLINE_CHECK
     :: true ->
#else
     :: MONO(i) < trusted[i] ->                                     /* isLeaseTrusted(), after drawing */
#endif
        n = NODE(lease[i]);
        printf("MSC: %d t=%d Allocator_next_deadline_check: issued node %d second %d\n", i, now, n, s);
#ifndef NO_P2
        assert(nodeKey[n] == lease[i] && now < exp[lease[i]]);               /* P2 */
#endif
#ifdef EXACT_RECORD
        assert((pastUse[n] & (1 << s)) == 0);                                 /* P1 */
        assert(i == 0 || nodeOf[lease[0]] != n + 1 || (curUse[0] & (1 << s)) == 0);
        assert(i == 1 || nodeOf[lease[1]] != n + 1 || (curUse[1] & (1 << s)) == 0);
#if N > 2
        assert(i == 2 || nodeOf[lease[2]] != n + 1 || (curUse[2] & (1 << s)) == 0);
#endif
        curUse[i] = curUse[i] | (1 << s);
#else
        assert(owner[n] == i + 1 || s >= hiUsed[n]);                         /* P1, stronger */
        owner[n] = i + 1;
        hiUsed[n] = MAX(hiUsed[n], s + 1);
#endif
     :: else -> skip                                                /* 503: the lease deadline has passed */
     fi
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
 * it is waiting in HOLDING, or between two attempts of reclaim()) and no
 * extend() is under way. */
#define SETTLE_READY(i) (stopping[i] && !extPending[i] && (hold[i] == HOLDING || hold[i] == HOLD_DONE || hold[i] == CLAIM))

inline SecondsReservation_settle(i) {
#ifdef BEGIN_SWITCHES_STORE_FIRST
  m = MIN(limit[i], USED_BOUND(i));
#else
  m = MAX(floor[i], MIN(limit[i], USED_BOUND(i)));
#endif
  k = lease[i];
  if
  :: !storeSet[i] ->
     printf("MSC: %d t=%d SecondsReservation_settle: no store, nothing written\n", i, now)
  :: else ->
     printf("MSC: %d t=%d SecondsReservation_settle: writes %d into node %d's mark, under lease %d\n", i, now, m, NODE(k), k);
     highWaterStore_write(NODE(k), k, m, r)
  fi;
  printf("MSC: %d t=%d shutdown: release; exit 0\n", i, now);
  EtcdNodeIdLease_release(i);
  processStart(i);
  k = 0; m = 0; r = 0
}

inline kill9(i) {
  printf("MSC: %d t=%d kill9\n", i, now);
  processStart(i)
}

/* Values no step reads again are reset, so that states that differ only in
 * them are one state: the trust of an ended lease that issues nothing, the
 * limit and floor of a reservation without a store, and leases no process
 * refers to whose node key is gone (or never was). */
#define REFERS(j, k) (lease[j] == k)
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
inline canon(i) {
  d_step {
    if :: ended[i] && !issuing[i] -> trusted[i] = 0 :: else -> skip fi;
    if :: !storeSet[i] -> limit[i] = 0; floor[i] = 0 :: else -> skip fi;
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
  :: atomic { hold[i] == HOLDING && !stopping[i] && ended[i] -> SecondsReservation_abandon(i); canon(i) }
  /* the EtcdNodeIdLease's timers, until it has ended */
  :: atomic { lease[i] != 0 && !ended[i] -> EtcdNodeIdLease_renew(i); canon(i) }
  :: atomic { lease[i] != 0 && !ended[i] && MONO(i) >= trusted[i] -> EtcdNodeIdLease_fence(i); canon(i) }
  /* the extension timer, until shutdown clears it, when needsExtension() */
  :: atomic { !stopping[i] && issuing[i] && storeSet[i] && !extPending[i] &&
              limit[i] < SMAX && 2 * (limit[i] - WALL(i)) <= LEAD -> SecondsReservation_extend(i); canon(i) }
  :: atomic { extPending[i] -> SecondsReservation_extend_resumes(i); canon(i) }
  /* the worker threads */
  :: atomic { issuing[i] -> Allocator_next_deadline_check(i); canon(i) }
  /* SIGTERM. When settling could start at once, it does in the same step:
   * nothing this process does in between would matter, as it issues no more. */
  :: atomic { !starting[i] && !stopping[i] -> shutdown_sigterm(i);
              if :: SETTLE_READY(i) -> SecondsReservation_settle(i) :: else -> skip fi; canon(i) }
  :: atomic { SETTLE_READY(i) -> SecondsReservation_settle(i); canon(i) }
  :: atomic { !FRESH(i) && faults < MAXFAULTS -> faults++; kill9(i); canon(i) }
  od
}

inline etcd_expire(k) {
  atomic { exp[k] != 0 && now >= exp[k] -> printf("MSC: t=%d etcd_expire: lease %d\n", now, k); dropLease(k) }
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
#endif
#if HISTORY_NODES > 1
    mark[1] = HISTORY;
#endif
#ifdef EXACT_RECORD
    pastUse[0] = (mark[0] == HISTORY -> (1 << HISTORY) - 1 : 0);
    pastUse[1] = (mark[1] == HISTORY -> (1 << HISTORY) - 1 : 0);
#else
    hiUsed[0] = mark[0]; owner[0] = (mark[0] == HISTORY -> PAST : 0);
    hiUsed[1] = mark[1]; owner[1] = (mark[1] == HISTORY -> PAST : 0);
#endif
    run Environment();
    run Instance(0);
    run Instance(1);
#if N > 2
    run Instance(2);
#endif
  }
}
