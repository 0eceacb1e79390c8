//! Slashing: a service's slash of an operator's allocation, and the listener for base-layer
//! slashes.

use alloc::vec::Vec;
use frame_support::{
	defensive, ensure,
	traits::{fungible::BalancedHold, Get, Imbalance, OnUnbalanced},
};
use restaking_primitives::restaking::{OnSecurityReduced, ServiceId, SlashOutcome, SlashTier};
use sp_arithmetic::{
	traits::{Saturating, UniqueSaturatedInto, Zero},
	FixedPointNumber, FixedU128, PerThing, Perbill, Perquintill, Rounding,
};
use sp_runtime::DispatchError;
use sp_staking::StakingInterface;

use crate::ledger::PoolEntry;
use crate::{pallet::*, types::*, BalanceOf};

impl<T: Config> Pallet<T> {
	/// Slashable stake of `operator` for each of its services, at `now`.
	pub(crate) fn exposures(
		operator: &T::AccountId,
		pool: &Operator<T>,
	) -> Vec<(ServiceId, BalanceOf<T>)> {
		Memberships::<T>::iter_prefix(operator)
			.map(|(service, membership)| {
				let magnitude = Self::magnitude_now(operator, service, &membership);
				(service, Self::slashable_total(pool, magnitude))
			})
			.collect()
	}

	/// Report every service whose slashable stake through `operator` fell.
	pub(crate) fn report_security(
		operator: &T::AccountId,
		before: Vec<(ServiceId, BalanceOf<T>)>,
		pool: &Operator<T>,
		except: Option<ServiceId>,
	) {
		let after = Self::exposures(operator, pool);
		for ((service, was), (_, now)) in before.into_iter().zip(after) {
			if now < was && Some(service) != except {
				T::OnSecurityReduced::on_security_reduced(operator, service, was, now);
				Self::deposit_event(Event::SecurityReduced {
					service,
					operator: operator.clone(),
					before: was,
					after: now,
				});
			}
		}
	}

	/// The most a factor update of `pool` can shift its delegators' losses against the pool's
	/// drop in value: one unit per share record (active position or withdrawal), plus one.
	pub(crate) fn rounding_bound(pool: &Operator<T>) -> BalanceOf<T> {
		let records = pool
			.delegator_count
			.saturating_mul(T::MaxWithdrawals::get().saturating_add(1))
			.saturating_add(1);
		BalanceOf::<T>::from(records)
	}

	/// Lower `pool`'s factor so that its value drops by `amount`; returns the actual drop.
	pub(crate) fn lower_factor(pool: &mut Operator<T>, amount: BalanceOf<T>) -> BalanceOf<T> {
		let value = pool.pool_value();
		if value.is_zero() || amount.is_zero() {
			return Zero::zero();
		}
		let keep =
			FixedU128::saturating_from_rational(value.saturating_sub(amount.min(value)), value);
		pool.factor = pool.factor.saturating_mul(keep);
		value.saturating_sub(pool.pool_value())
	}

	/// Slash the self-bond by up to `amount`; the funds go to `OnSlashedFunds`.
	pub(crate) fn slash_self_bond(
		operator: &T::AccountId,
		pool: &mut Operator<T>,
		amount: BalanceOf<T>,
	) -> BalanceOf<T> {
		if amount.is_zero() {
			return Zero::zero();
		}
		let (credit, missing) =
			T::Currency::slash(&HoldReason::SelfBond.into(), operator, amount.min(pool.self_bond));
		let taken = credit.peek();
		if !missing.is_zero() {
			defensive!("the self-bond is held in full");
		}
		pool.self_bond = pool.self_bond.saturating_sub(taken);
		T::OnSlashedFunds::on_unbalanced(credit);
		taken
	}

	/// Slash `operator` for `service`: `fraction` of `at_request` (the slashable self-bond and
	/// pool parts when the slash was requested) split by `tier`, each part at most what the
	/// service can slash of it now.
	pub(crate) fn do_slash(
		operator: &T::AccountId,
		service: ServiceId,
		fraction: Perbill,
		tier: SlashTier,
		at_request: (BalanceOf<T>, BalanceOf<T>),
	) -> Result<SlashOutcome<BalanceOf<T>>, DispatchError> {
		ensure!(!fraction.is_zero(), Error::<T>::NothingToSlash);
		let mut membership =
			Memberships::<T>::get(operator, service).ok_or(Error::<T>::NotOptedIn)?;
		let mut pool = PoolEntry::load(operator).ok_or(Error::<T>::NotOperator)?;
		membership.apply_due_change(Self::now(), Self::held(operator, service));
		let magnitude = membership.magnitude;
		let (sb, pv) = Self::slashable_parts(&pool, magnitude);
		let slashable = sb.saturating_add(pv);
		ensure!(!slashable.is_zero(), Error::<T>::NothingToSlash);

		let (sb0, pv0) = at_request;
		let amount = fraction.mul_ceil(sb0.saturating_add(pv0));
		let (want_self, want_pool) = match tier {
			SlashTier::Minor => (amount.min(sb), Zero::zero()),
			SlashTier::Major => {
				// The self-bond at the request pays first; if it has shrunk since, the pool
				// does not pay its part.
				let first = amount.min(sb0);
				(first.min(sb), amount.saturating_sub(first).min(pv))
			},
			SlashTier::Critical => (fraction.mul_ceil(sb0).min(sb), fraction.mul_ceil(pv0).min(pv)),
		};
		let others =
			if T::MaxLeverage::get() > 1 { Self::exposures(operator, &pool) } else { Vec::new() };
		let factor_before = pool.factor;
		let from_self_bond = Self::slash_self_bond(operator, &mut pool, want_self);
		let from_pool = Self::lower_factor(&mut pool, want_pool);
		if pool.factor != factor_before {
			let rounding = Self::rounding_bound(&pool);
			Losses::<T>::mutate(operator, |l| {
				l.from_service_slashes = l.from_service_slashes.saturating_add(from_pool);
				l.rounding = l.rounding.saturating_add(rounding);
			});
		}
		let taken = from_self_bond.saturating_add(from_pool);

		Self::shrink_magnitude(&mut membership, &mut pool, taken, slashable);
		Memberships::<T>::insert(operator, service, membership);
		let pool = pool.commit();
		if !from_pool.is_zero() {
			Self::note_loss(operator, from_pool, factor_before, pool.factor);
		}
		if !others.is_empty() {
			Self::report_security(operator, others, &pool, Some(service));
		}
		let outcome =
			SlashOutcome { from_self_bond, from_pool, factor_before, factor_after: pool.factor };
		Self::deposit_event(Event::OperatorSlashed {
			operator: operator.clone(),
			service,
			from_self_bond,
			from_pool,
			factor_before,
			factor_after: pool.factor,
		});
		Ok(outcome)
	}

	/// Book a slash's `taken` from `operator`'s pool in its yield history: a share lost
	/// `before − after`, which the record counts per unit of value at its opening factor (the
	/// era's slashes then add up to `1 − factor now / factor at the opening`).
	fn note_loss(
		operator: &T::AccountId,
		taken: BalanceOf<T>,
		before: FixedU128,
		after: FixedU128,
	) {
		Self::note_pool_era(operator, before, |record| {
			record.losses = record.losses.saturating_add(taken);
			let rate = Self::per_unit(before.saturating_sub(after), record.factor);
			record.loss_rate = record.loss_rate.saturating_add(rate);
		});
	}

	/// Shrink a membership's magnitude by the share of its slashable stake a slash `taken` of
	/// `slashable`. Unique stake (`MaxLeverage = 1`) also shrinks the pool's `max_magnitude` by
	/// as much, so every other service keeps its slashable stake; shared security leaves
	/// `max_magnitude`, so the others lose their part of what was taken.
	fn shrink_magnitude(
		membership: &mut Membership<T>,
		pool: &mut Operator<T>,
		taken: BalanceOf<T>,
		slashable: BalanceOf<T>,
	) {
		let magnitude = membership.magnitude;
		let (taken_u128, slashable_u128): (u128, u128) =
			(taken.unique_saturated_into(), slashable.unique_saturated_into());
		let g = Perquintill::from_rational_with_rounding(taken_u128, slashable_u128, Rounding::Up)
			.unwrap_or(Perquintill::one());
		let delta = g.mul_ceil(magnitude.deconstruct()).min(magnitude.deconstruct());
		membership.magnitude =
			Perquintill::from_parts(magnitude.deconstruct().saturating_sub(delta));
		if let Some((next, at)) = membership.pending {
			let next = Perquintill::from_parts(
				next.deconstruct().saturating_sub(g.mul_ceil(next.deconstruct())),
			);
			membership.pending = Some((next, at));
		}
		if T::MaxLeverage::get() <= 1 {
			pool.max_magnitude =
				Perquintill::from_parts(pool.max_magnitude.deconstruct().saturating_sub(delta));
		}
	}

	/// A base-layer slash reached `stash`: shrink its restaked position, and if it is an
	/// operator, its self-bond and pool, by the same fraction.
	pub(crate) fn on_base_slash(stash: &T::AccountId, slashed_total: BalanceOf<T>) {
		if Realizing::<T>::get() || slashed_total.is_zero() {
			return;
		}
		// `pallet-staking` notifies before it writes the slashed ledger back, so the stored
		// total is the stake the slash was taken from.
		let Ok(total) = T::Staking::total_stake(stash) else { return };
		let (slashed, total): (u128, u128) = (
			slashed_total.unique_saturated_into(),
			total.max(slashed_total).unique_saturated_into(),
		);
		if let Some(ledger) = Stakers::<T>::get(stash) {
			// The restaked funds may exceed what is still bonded (the staker unbonded and
			// withdrew; the freeze kept them in its account): then only the bonded part of
			// them was slashed. The position shrinks by at most what the base layer took.
			let restaked: u128 = ledger.restaked().unique_saturated_into();
			Self::base_slash_staker(stash, ledger, slashed, total.max(restaked));
		}
		if let Some(pool) = PoolEntry::load(stash) {
			Self::base_slash_operator(stash, pool, Perquintill::from_rational(slashed, total));
		}
	}

	/// Shrink `stash`'s position by `slashed / of` after a base-layer slash.
	pub(crate) fn base_slash_staker(
		stash: &T::AccountId,
		mut ledger: StakerLedger<T>,
		slashed: u128,
		of: u128,
	) {
		if slashed == 0 || of == 0 {
			return;
		}
		let slashed = slashed.min(of);
		let Some(mut pool) = PoolEntry::load(&ledger.operator) else {
			defensive!("a staker's operator exists");
			return;
		};
		let operator = ledger.operator.clone();
		let exposures = Self::exposures(&operator, &pool);
		let value_before = ledger.restaked();
		let pending_before = ledger.pending_loss(&pool);
		Self::checkpoint(&mut ledger, &pool);
		// Shares shrink by `slashed / of` rounded up, the frozen value by it rounded down (the
		// freeze never falls by more than the base layer took), both exact (a `Perquintill`
		// would cut too few shares of large balances); the value never drops below what the
		// remaining shares are worth (the pending loss stays ≥ 0).
		let burn = |shares: &mut BalanceOf<T>, value: &mut BalanceOf<T>| -> BalanceOf<T> {
			let cut = Self::ratio_of(*shares, slashed, of, Rounding::Up).min(*shares);
			*shares = shares.saturating_sub(cut);
			let drop = Self::ratio_of(*value, slashed, of, Rounding::Down);
			*value = value.saturating_sub(drop).max(pool.value_of(*shares));
			cut
		};
		let active_cut = burn(&mut ledger.shares, &mut ledger.value);
		let mut cut = active_cut;
		for w in ledger.withdrawals.iter_mut() {
			cut = cut.saturating_add(burn(&mut w.shares, &mut w.value));
		}
		// Each part rounds its drop down, so together they can keep a unit or two more than
		// the position's share of what the base layer left; the freeze would then hold free
		// balance that was never restaked (a vault's reserve). The position keeps at most
		// `value − ⌊value · slashed / of⌋`: the excess comes off the active value, then the
		// withdrawals, none below what its shares are worth.
		// (`checkpoint` moves rewards only: `value_before` is the value the parts shrank from.)
		let keep =
			value_before.saturating_sub(Self::ratio_of(value_before, slashed, of, Rounding::Down));
		let mut excess = ledger.restaked().saturating_sub(keep);
		let mut trim = |shares: BalanceOf<T>, value: &mut BalanceOf<T>| {
			let take = excess.min(value.saturating_sub(pool.value_of(shares)));
			*value = value.saturating_sub(take);
			excess = excess.saturating_sub(take);
		};
		trim(ledger.shares, &mut ledger.value);
		for w in ledger.withdrawals.iter_mut() {
			trim(w.shares, &mut w.value);
		}
		ledger.queued_outflow = ledger.queued_outflow.min(ledger.value);
		// The base layer took its fraction of the loss still pending with the bond. Rounding
		// the value down and the shares up may instead leave a unit or two more pending (always
		// against the staker); that is rounding, accounted as such.
		let pending_after = ledger.pending_loss(&pool);
		let absorbed = pending_before.saturating_sub(pending_after);
		let rounded = pending_after.saturating_sub(pending_before);
		if !absorbed.is_zero() || !rounded.is_zero() {
			Losses::<T>::mutate(&operator, |l| {
				l.realized = l.realized.saturating_add(absorbed);
				l.rounding = l.rounding.saturating_add(rounded);
			});
		}
		pool.total_shares = pool.total_shares.saturating_sub(cut);
		pool.active_shares = pool.active_shares.saturating_sub(active_cut);
		let value_after = ledger.restaked();
		if Self::put_staker(stash, ledger, &mut pool).is_err() {
			defensive!("lowering a freeze cannot fail");
		}
		let pool = pool.commit();
		Self::deposit_event(Event::StakerBaseSlashed {
			staker: stash.clone(),
			operator: operator.clone(),
			value_before,
			value_after,
		});
		Self::report_security(&operator, exposures, &pool, None);
	}

	pub(crate) fn base_slash_operator(
		operator: &T::AccountId,
		mut pool: PoolEntry<T>,
		fraction: Perquintill,
	) {
		let exposures = Self::exposures(operator, &pool);
		let cut = Self::fraction_ceil(fraction, pool.self_bond);
		let from_self_bond = Self::slash_self_bond(operator, &mut pool, cut);
		let keep = Perquintill::one().saturating_sub(fraction);
		let value_before = pool.pool_value();
		let factor_before = pool.factor;
		pool.factor = pool.factor.saturating_mul(FixedU128::from_rational(
			keep.deconstruct().into(),
			Perquintill::ACCURACY.into(),
		));
		let dropped = value_before.saturating_sub(pool.pool_value());
		// A factor lowered by less than a unit of the pool's value may still round each
		// delegator's share value down by one: the rounding is booked whenever shares are priced
		// at the new factor, not only when the pool's value visibly dropped.
		if !pool.total_shares.is_zero() && pool.factor != factor_before {
			let rounding = Self::rounding_bound(&pool);
			Losses::<T>::mutate(operator, |l| {
				l.from_base_slashes = l.from_base_slashes.saturating_add(dropped);
				l.rounding = l.rounding.saturating_add(rounding);
			});
		}
		let pool = pool.commit();
		if !dropped.is_zero() {
			Self::note_loss(operator, dropped, factor_before, pool.factor);
		}
		Self::deposit_event(Event::OperatorBaseSlashed {
			operator: operator.clone(),
			fraction,
			from_self_bond,
		});
		Self::report_security(operator, exposures, &pool, None);
	}
}
