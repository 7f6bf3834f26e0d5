import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createControlBlock,
  isDraining,
  isLeaving,
  markDraining,
  markLeaving,
  writeGeneration,
  writeLimit,
} from '../../src/core/controlBlock.js';
import {
  isDrawnNumberIssuable,
  issuingSecondsLeft,
  notIssuingReason,
  NOT_ISSUING_REASONS,
  type NotIssuingReason,
} from '../../src/core/issuing.js';
import { advanceClockTo } from '../../src/core/logicalClock.js';

interface State {
  generation: number;
  limit: number;
  clock: number;
  leaving?: boolean;
  draining?: boolean;
}

function block({ generation, limit, clock, leaving = false, draining = false }: State) {
  const control = createControlBlock();
  writeLimit(control, limit);
  advanceClockTo(control, clock);
  writeGeneration(control, generation);
  if (draining) markDraining(control);
  if (leaving) markLeaving(control);
  return control;
}

describe('issuing', () => {
  // [case, state, wall-clock second, seconds left, why not issuing]
  const cases: [string, State, number, number, NotIssuingReason | undefined][] = [
    ['the clock ahead of the wall clock', { generation: 1, limit: 110, clock: 100 }, 95, 10, undefined],
    ['the wall clock ahead of the clock', { generation: 1, limit: 110, clock: 100 }, 105, 5, undefined],
    ['both at one second', { generation: 3, limit: 110, clock: 100 }, 100, 10, undefined],
    ['one second left', { generation: 1, limit: 110, clock: 100 }, 109, 1, undefined],
    ['the wall clock at the limit', { generation: 1, limit: 110, clock: 100 }, 110, 0, 'reservation-used-up'],
    ['the wall clock past the limit', { generation: 1, limit: 110, clock: 100 }, 130, 0, 'reservation-used-up'],
    ['the clock at the limit', { generation: 1, limit: 110, clock: 110 }, 100, 0, 'reservation-used-up'],
    ['no node ID held', { generation: 0, limit: 110, clock: 100 }, 100, 0, 'no-node-id'],
    ['not ready, still issuing', { generation: 1, limit: 110, clock: 100, leaving: true }, 100, 10, undefined],
    ['draining', { generation: 1, limit: 110, clock: 100, draining: true }, 100, 10, 'shutting-down'],
    ['draining without a node ID', { generation: 0, limit: 110, clock: 100, draining: true }, 100, 0, 'shutting-down'],
    [
      'draining, the reservation used up',
      { generation: 1, limit: 110, clock: 100, draining: true },
      120,
      0,
      'shutting-down',
    ],
  ];
  for (const [name, state, wall, left, reason] of cases) {
    it(`${name}: ${left} s left, ${reason ?? 'issuing'}`, () => {
      const control = block(state);
      assert.equal(issuingSecondsLeft(control, wall), left);
      assert.equal(notIssuingReason(control, wall), reason);
    });
  }

  it('counts a drawn number as issued unless workers drain, even once not ready', () => {
    const control = block({ generation: 1, limit: 110, clock: 100 });
    assert.equal(isDrawnNumberIssuable(control), true);
    assert.equal([isLeaving(control), isDraining(control)].join(), 'false,false');
    markLeaving(control);
    assert.equal(isDrawnNumberIssuable(control), true);
    assert.equal([isLeaving(control), isDraining(control)].join(), 'true,false');
    markDraining(control);
    assert.equal(isDrawnNumberIssuable(control), false);
    assert.equal([isLeaving(control), isDraining(control)].join(), 'true,true');
    // Not ready again after draining changes nothing: shutdown only moves forward.
    markLeaving(control);
    assert.equal([isLeaving(control), isDraining(control)].join(), 'true,true');
  });

  it('says why in a sentence for clients and operators', () => {
    assert.equal(NOT_ISSUING_REASONS['shutting-down'], 'this instance is shutting down');
    assert.equal(NOT_ISSUING_REASONS['no-node-id'], 'this instance holds no node ID right now');
    assert.match(
      NOT_ISSUING_REASONS['reservation-used-up'],
      /^the reserved seconds are used up \(over 1,048,576 numbers a second/,
    );
  });
});
