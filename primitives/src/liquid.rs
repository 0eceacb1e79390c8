//! Liquid restaking vaults: the types their runtime API returns.

use alloc::vec::Vec;
use codec::{Decode, Encode};
use scale_info::TypeInfo;
use sp_runtime::FixedU128;

use crate::api::ServiceExposure;

/// Identifier of a liquid restaking vault (also the index its token's asset id derives from).
pub type VaultId = u32;

/// A vault as wallets and dashboards see it.
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct VaultState<AccountId, Balance> {
	/// The operator the vault delegates to.
	pub operator: AccountId,
	/// The vault's own account (bonds, nominates and restakes).
	pub account: AccountId,
	/// The id of the vault's token in the assets pallet, SCALE-encoded.
	pub asset: Vec<u8>,
	/// What the vault holds for its token holders and redeemers: bond (active and unbonding)
	/// less pending restaking loss, plus unclaimed rewards and liquid funds.
	pub value: Balance,
	/// The part of `value` the rate does not count yet: gains (rewards, donations) that enter it
	/// linearly over the pallet's `RewardVesting` blocks.
	pub unvested: Balance,
	/// Vault tokens in circulation.
	pub supply: Balance,
	/// Value of one token at the currency's scale (10^offset token units): the tokens' and
	/// queued redemptions' part of the value, less what is unvested, over their shares; 1 for
	/// a new vault.
	pub rate: FixedU128,
	/// The rate a deposit in this block gets (tokens minted = amount / rate), `None` while the
	/// vault takes no deposit: paused, depleted, or a slash of its operator waits.
	pub deposit_rate: Option<FixedU128>,
	/// A slash of the operator waits: no deposit enters and no payout leaves until it has
	/// executed or been vetoed (the value does not show the loss yet).
	pub slash_pending: bool,
	/// Value of redemptions not yet paid (waiting in the queue or unbonding), at the rate.
	pub redeeming: Balance,
	/// The part of `redeeming` still waiting in the queue (over the per-era cap).
	pub queued: Balance,
	/// Bonded in the base staking layer, active.
	pub bonded: Balance,
	/// Restaked through the operator (active, at the pool's factor).
	pub restaked: Balance,
	/// Restaking loss imposed on the vault and not yet realized.
	pub pending_loss: Balance,
	/// Whether deposits and redemptions are paused.
	pub paused: bool,
	/// Per service: how much of the vault's value it can slash now.
	pub services: Vec<ServiceExposure<Balance>>,
}

/// An account's position through one vault's tokens.
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct VaultPosition<AccountId, Balance> {
	/// The vault.
	pub vault: VaultId,
	/// Its operator.
	pub operator: AccountId,
	/// Vault tokens held.
	pub tokens: Balance,
	/// Their value at the vault's rate.
	pub value: Balance,
	/// Redemptions of the account not yet paid, valued at the rate.
	pub redeeming: Balance,
	/// Per service: the account's share of what the service can slash of the vault.
	pub services: Vec<ServiceExposure<Balance>>,
}
