//! The overcollateralization floor (`Config::MinOvercollateralization`): corrupting a service
//! alone must cost at least `(1 + γ)·π_s`, where the cost is `f_s·α_s·C_s` over the stake
//! `C_s` *committed* behind the service: each operator's self-bond and active pool value (a
//! withdrawal is on its way out), at the lower of its magnitude in force and a pending one (a
//! decrease is on its way out). An action that lowers `C_s` is judged by where it leaves the
//! service once what it announced has happened, not when the stake finally leaves.
//!
//! Exits are reported when they take a service below the floor, never refused; declarations
//! (a risk profile, a milder slashing policy) are refused under [`FloorEnforcement::Refuse`]
//! when they leave the service below the floor worse off, and reported otherwise
//! (`docs/decisions.md`, 51).
//!
//! With unique stake (`MaxLeverage = 1`) every service at the floor certifies the network
//! `γ`-overcollateralized (`docs/architecture.md`, "Systemic risk"); with shared stake the
//! per-operator loads of the security report decide, and the floor is the part of that
//! condition one service can be held to.

use frame_support::{ensure, traits::Get, weights::Weight};
use restaking_primitives::{
	restaking::ServiceId,
	risk::{FloorEnforcement, OvercollateralizationFloor, RiskProfile, ServiceModel, SlashCeiling},
};
use sp_arithmetic::Rounding;
use sp_runtime::{
	traits::{SaturatedConversion, Saturating, Zero},
	DispatchError, DispatchResult, FixedPointNumber, FixedU128, Perbill,
};

use crate::{pallet::*, types::*, weights::WeightInfo, BalanceOf};

/// The stake an operator commits to one service before and after an action.
pub(crate) struct CommitmentChange<'a, T: Config> {
	pub operator: &'a T::AccountId,
	pub before: BalanceOf<T>,
	pub after: BalanceOf<T>,
}

/// A service's cost of corruption and the floor's `(1 + γ)·π_s`.
#[derive(Clone, Copy)]
pub(crate) struct Standing {
	cost: u128,
	required: u128,
}

impl Standing {
	fn at_floor(&self) -> bool {
		self.cost >= self.required
	}

	/// `cost / required` (at most `FixedU128`'s largest), the margin.
	fn margin(&self) -> FixedU128 {
		FixedU128::checked_from_rational(self.cost, self.required)
			.unwrap_or_else(|| FixedU128::from_inner(u128::MAX))
	}

	/// Whether `self` has less margin than `before`.
	fn worse_than(&self, before: &Standing) -> bool {
		self.margin() < before.margin()
	}
}

impl<T: Config> Pallet<T> {
	/// What `pool` puts at stake and keeps there: its self-bond and active pool value.
	pub(crate) fn committed_stake(pool: &Operator<T>) -> BalanceOf<T> {
		pool.self_bond.saturating_add(pool.value_of(pool.active_shares))
	}

	/// What `operator` (with `stake` committed, see [`Self::committed_stake`]) commits to a
	/// service at `membership`: the lower of the magnitude in force and a pending one.
	pub(crate) fn committed_exposure(
		operator: &T::AccountId,
		pool: &Operator<T>,
		stake: BalanceOf<T>,
		service: ServiceId,
		membership: &Membership<T>,
	) -> BalanceOf<T> {
		let now = Self::magnitude_now(operator, service, membership);
		let magnitude = membership.pending.map_or(now, |(next, _)| now.min(next));
		let max = pool.max_magnitude.deconstruct();
		Self::ratio_of(stake, magnitude.deconstruct().min(max).into(), max.into(), Rounding::Down)
	}

	/// `C_s` without `except`'s part, and how many operators were read.
	fn committed_behind(service: ServiceId, except: Option<&T::AccountId>) -> (BalanceOf<T>, u32) {
		let mut behind = BalanceOf::<T>::zero();
		let mut read = 0u32;
		for (operator, pool, membership) in Self::members_of(service, except) {
			read = read.saturating_add(1);
			let stake = Self::committed_stake(&pool);
			behind = behind.saturating_add(Self::committed_exposure(
				&operator,
				&pool,
				stake,
				service,
				&membership,
			));
		}
		(behind, read)
	}

	/// Where `service` stands with `profile`, `behind` committed and slashes of at most
	/// `max_slash`.
	fn standing(
		floor: &OvercollateralizationFloor,
		profile: &RiskProfile<BalanceOf<T>>,
		max_slash: Perbill,
		behind: BalanceOf<T>,
	) -> Standing {
		let profit = profile.profit_from_corruption.saturated_into::<u128>();
		let model = ServiceModel {
			profit,
			threshold: profile.corruption_threshold,
			max_fraction: max_slash,
		};
		Standing {
			cost: model.cost_of_corruption(behind.saturated_into()),
			required: floor.required(profit),
		}
	}

	/// Report that `service` fell below the floor, standing at `now`.
	pub(crate) fn report_breach(service: ServiceId, now: Standing) {
		Self::deposit_event(Event::OvercollateralizationBreached {
			service,
			cost_of_corruption: now.cost.saturated_into(),
			required: now.required.saturated_into(),
		});
	}

	/// After an action lowered what `change.operator` commits to `service`: report the
	/// service if that took it from the floor to below it. Exits are never refused. Returns
	/// the weight used.
	pub(crate) fn check_floor_after_exit(
		service: ServiceId,
		change: CommitmentChange<T>,
	) -> Weight {
		let Some(floor) = T::MinOvercollateralization::get() else { return Weight::zero() };
		let Some(profile) = RiskProfiles::<T>::get(service) else {
			return T::WeightInfo::floor_check(0);
		};
		if profile.profit_from_corruption.is_zero() || change.after >= change.before {
			return T::WeightInfo::floor_check(0);
		}
		let (others, read) = Self::committed_behind(service, Some(change.operator));
		let max_slash = T::SlashCeiling::max_slash(service);
		let standing =
			|stake| Self::standing(&floor, &profile, max_slash, others.saturating_add(stake));
		let (before, after) = (standing(change.before), standing(change.after));
		if before.at_floor() && !after.at_floor() {
			Self::report_breach(service, after);
		}
		T::WeightInfo::floor_check(read)
	}

	/// After `operator`'s committed stake fell from `before` to `after` (`pool` as stored now;
	/// `after` may leave out stake that is still active but already announced to leave): check
	/// every service it is a member of. Returns the weight used.
	pub(crate) fn check_floor_after_stake_exit(
		operator: &T::AccountId,
		pool: &Operator<T>,
		before: BalanceOf<T>,
		after: BalanceOf<T>,
	) -> Weight {
		if T::MinOvercollateralization::get().is_none() {
			return Weight::zero();
		}
		let mut weight = Weight::zero();
		for (service, membership) in Memberships::<T>::iter_prefix(operator) {
			let exposure =
				|stake| Self::committed_exposure(operator, pool, stake, service, &membership);
			let change =
				CommitmentChange { operator, before: exposure(before), after: exposure(after) };
			weight.saturating_accrue(Self::check_floor_after_exit(service, change));
		}
		weight
	}

	/// After `operator`'s membership of `service` changed from `before` to `after`: check the
	/// service if the change lowers what the operator commits to it. Returns the weight used.
	pub(crate) fn check_floor_after_membership_change(
		operator: &T::AccountId,
		pool: &Operator<T>,
		service: ServiceId,
		before: &Membership<T>,
		after: &Membership<T>,
	) -> Weight {
		if T::MinOvercollateralization::get().is_none() {
			return Weight::zero();
		}
		let stake = Self::committed_stake(pool);
		let exposure =
			|membership| Self::committed_exposure(operator, pool, stake, service, membership);
		let change =
			CommitmentChange { operator, before: exposure(before), after: exposure(after) };
		Self::check_floor_after_exit(service, change)
	}

	/// Judge a declaration that moves `service` from `before` (`None`: nothing declared, so
	/// at the floor) to `after`. Under [`FloorEnforcement::Refuse`] a declaration that leaves
	/// the service below the floor with less margin than before is refused. Returns the
	/// standing to report when the declaration takes the service from the floor to below it.
	fn judge_declaration(
		floor: &OvercollateralizationFloor,
		before: Option<Standing>,
		after: Standing,
	) -> Result<Option<Standing>, DispatchError> {
		if after.at_floor() {
			return Ok(None);
		}
		let was_at_floor = before.is_none_or(|before| before.at_floor());
		let worse = before.is_none_or(|before| after.worse_than(&before));
		if floor.enforcement == FloorEnforcement::Refuse {
			ensure!(!(was_at_floor || worse), Error::<T>::BelowMinOvercollateralization);
		}
		Ok(was_at_floor.then_some(after))
	}

	/// Before `service`'s risk profile changes from `before` to `after`: refuse it (under
	/// [`FloorEnforcement::Refuse`]) or return the standing to report once it is recorded (see
	/// [`Self::judge_declaration`]).
	pub(crate) fn check_floor_on_declaration(
		service: ServiceId,
		before: Option<RiskProfile<BalanceOf<T>>>,
		after: &RiskProfile<BalanceOf<T>>,
	) -> Result<Option<Standing>, DispatchError> {
		let Some(floor) = T::MinOvercollateralization::get() else { return Ok(None) };
		if after.profit_from_corruption.is_zero() {
			return Ok(None);
		}
		let (behind, _) = Self::committed_behind(service, None);
		let max_slash = T::SlashCeiling::max_slash(service);
		let standing = |profile| Self::standing(&floor, profile, max_slash, behind);
		Self::judge_declaration(&floor, before.as_ref().map(standing), standing(after))
	}

	/// Before `service`'s slashes are capped lower, from `before` to `after` (a milder slashing
	/// policy): a declaration like a risk profile, judged the same way.
	pub(crate) fn check_floor_on_ceiling_change(
		service: ServiceId,
		before: Perbill,
		after: Perbill,
	) -> DispatchResult {
		let Some(floor) = T::MinOvercollateralization::get() else { return Ok(()) };
		let Some(profile) = RiskProfiles::<T>::get(service) else { return Ok(()) };
		if profile.profit_from_corruption.is_zero() || after >= before {
			return Ok(());
		}
		let (behind, _) = Self::committed_behind(service, None);
		let standing = |max_slash| Self::standing(&floor, &profile, max_slash, behind);
		if let Some(breach) =
			Self::judge_declaration(&floor, Some(standing(before)), standing(after))?
		{
			Self::report_breach(service, breach);
		}
		Ok(())
	}

	/// The most the floor's checks of `services` services can weigh (zero without a floor).
	pub(crate) fn floor_weight(services: u32) -> Weight {
		if T::MinOvercollateralization::get().is_none() {
			return Weight::zero();
		}
		T::WeightInfo::floor_check(T::MaxOperatorsPerService::get()).saturating_mul(services.into())
	}
}
