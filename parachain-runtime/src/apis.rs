//! The runtime APIs the node and polkadot-js call (`api.call.<api>.<method>`): the
//! solochain's (less GRANDPA, which the relay chain runs), the ones a Cumulus collator and
//! `polkadot-omni-node` need (collation info, the parachain id, the relay parent offset, Aura's
//! unincluded segment), and the restaking pallets' four, with the same versions.

use alloc::vec::Vec;
use frame_support::{
	genesis_builder_helper::{build_state, get_preset},
	weights::Weight,
};
use sp_api::impl_runtime_apis;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_core::{crypto::KeyTypeId, OpaqueMetadata};
use sp_runtime::{
	traits::Block as BlockT,
	transaction_validity::{TransactionSource, TransactionValidity},
	ApplyExtrinsicResult,
};
use sp_version::RuntimeVersion;

use restaking_primitives::{api as restaking_api, restaking::ServiceId};

use super::{
	configs::{ConsensusHook, BLOCK_PROCESSING_VELOCITY, RELAY_PARENT_OFFSET},
	time::SLOT_DURATION,
	AccountId, Balance, Block, BlockNumber, Executive, InherentDataExt, Insurance, LiquidRestaking,
	Nonce, ParachainInfo, ParachainSystem, Restaking, Runtime, RuntimeCall, RuntimeGenesisConfig,
	SessionKeys, Slashing, Staking, System, TransactionPayment, VERSION,
};

impl_runtime_apis! {
	impl sp_api::Core<Block> for Runtime {
		fn version() -> RuntimeVersion {
			VERSION
		}

		fn execute_block(block: <Block as BlockT>::LazyBlock) {
			Executive::execute_block(block);
		}

		fn initialize_block(header: &<Block as BlockT>::Header) -> sp_runtime::ExtrinsicInclusionMode {
			Executive::initialize_block(header)
		}
	}

	impl sp_api::Metadata<Block> for Runtime {
		fn metadata() -> OpaqueMetadata {
			OpaqueMetadata::new(Runtime::metadata().into())
		}

		fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
			Runtime::metadata_at_version(version)
		}

		fn metadata_versions() -> Vec<u32> {
			Runtime::metadata_versions()
		}
	}

	impl frame_support::view_functions::runtime_api::RuntimeViewFunction<Block> for Runtime {
		fn execute_view_function(
			id: frame_support::view_functions::ViewFunctionId,
			input: Vec<u8>,
		) -> Result<Vec<u8>, frame_support::view_functions::ViewFunctionDispatchError> {
			Runtime::execute_view_function(id, input)
		}
	}

	impl sp_block_builder::BlockBuilder<Block> for Runtime {
		fn apply_extrinsic(extrinsic: <Block as BlockT>::Extrinsic) -> ApplyExtrinsicResult {
			Executive::apply_extrinsic(extrinsic)
		}

		fn finalize_block() -> <Block as BlockT>::Header {
			Executive::finalize_block()
		}

		fn inherent_extrinsics(data: sp_inherents::InherentData) -> Vec<<Block as BlockT>::Extrinsic> {
			data.create_extrinsics()
		}

		fn check_inherents(
			block: <Block as BlockT>::LazyBlock,
			data: sp_inherents::InherentData,
		) -> sp_inherents::CheckInherentsResult {
			data.check_extrinsics(&block)
		}
	}

	impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
		fn validate_transaction(
			source: TransactionSource,
			tx: <Block as BlockT>::Extrinsic,
			block_hash: <Block as BlockT>::Hash,
		) -> TransactionValidity {
			Executive::validate_transaction(source, tx, block_hash)
		}
	}

	impl sp_offchain::OffchainWorkerApi<Block> for Runtime {
		fn offchain_worker(header: &<Block as BlockT>::Header) {
			Executive::offchain_worker(header)
		}
	}

	impl sp_consensus_aura::AuraApi<Block, AuraId> for Runtime {
		fn slot_duration() -> sp_consensus_aura::SlotDuration {
			sp_consensus_aura::SlotDuration::from_millis(SLOT_DURATION)
		}

		fn authorities() -> Vec<AuraId> {
			pallet_aura::Authorities::<Runtime>::get().into_inner()
		}
	}

	impl cumulus_primitives_aura::AuraUnincludedSegmentApi<Block> for Runtime {
		fn can_build_upon(
			included_hash: <Block as BlockT>::Hash,
			slot: cumulus_primitives_aura::Slot,
		) -> bool {
			ConsensusHook::can_build_upon(included_hash, slot)
		}
	}

	impl cumulus_primitives_core::CollectCollationInfo<Block> for Runtime {
		fn collect_collation_info(
			header: &<Block as BlockT>::Header,
		) -> cumulus_primitives_core::CollationInfo {
			ParachainSystem::collect_collation_info(header)
		}
	}

	impl cumulus_primitives_core::GetParachainInfo<Block> for Runtime {
		fn parachain_id() -> cumulus_primitives_core::ParaId {
			ParachainInfo::parachain_id()
		}
	}

	impl cumulus_primitives_core::RelayParentOffsetApi<Block> for Runtime {
		fn relay_parent_offset() -> u32 {
			RELAY_PARENT_OFFSET
		}

		fn max_claim_queue_offset() -> u8 {
			ParachainSystem::max_claim_queue_offset()
		}
	}

	impl cumulus_primitives_core::SchedulingV3EnabledApi<Block> for Runtime {
		fn scheduling_v3_enabled() -> bool {
			use cumulus_primitives_core::VerifySchedulingSignature;
			<Runtime as cumulus_pallet_parachain_system::Config>::SchedulingSignatureVerifier
				::V3_SCHEDULING_ENABLED
		}
	}

	impl cumulus_primitives_core::TargetBlockRate<Block> for Runtime {
		fn target_block_rate() -> u32 {
			BLOCK_PROCESSING_VELOCITY
		}
	}

	impl sp_session::SessionKeys<Block> for Runtime {
		fn generate_session_keys(
			owner: Vec<u8>,
			seed: Option<Vec<u8>>,
		) -> sp_session::OpaqueGeneratedSessionKeys {
			SessionKeys::generate(&owner, seed).into()
		}

		fn decode_session_keys(encoded: Vec<u8>) -> Option<Vec<(Vec<u8>, KeyTypeId)>> {
			SessionKeys::decode_into_raw_public_keys(&encoded)
		}
	}

	impl frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
		fn account_nonce(account: AccountId) -> Nonce {
			System::account_nonce(account)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentApi<Block, Balance> for Runtime {
		fn query_info(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment_rpc_runtime_api::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_info(uxt, len)
		}
		fn query_fee_details(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_fee_details(uxt, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentCallApi<Block, Balance, RuntimeCall>
		for Runtime
	{
		fn query_call_info(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_call_info(call, len)
		}
		fn query_call_fee_details(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_call_fee_details(call, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl pallet_staking_runtime_api::StakingApi<Block, Balance, AccountId> for Runtime {
		fn nominations_quota(balance: Balance) -> u32 {
			Staking::api_nominations_quota(balance)
		}

		fn eras_stakers_page_count(era: sp_staking::EraIndex, account: AccountId) -> sp_staking::Page {
			Staking::api_eras_stakers_page_count(era, account)
		}

		fn pending_rewards(era: sp_staking::EraIndex, account: AccountId) -> bool {
			Staking::api_pending_rewards(era, account)
		}
	}

	#[api_version(3)]
	impl restaking_api::RestakingApi<Block, AccountId, Balance, BlockNumber> for Runtime {
		fn staker_exposure(
			who: AccountId,
		) -> Option<restaking_api::StakerExposure<AccountId, Balance, BlockNumber>> {
			restaking_runtime_common::staker_exposure::<Runtime>(who)
		}

		fn operator_profile(
			operator: AccountId,
		) -> Option<restaking_api::OperatorProfile<Balance, BlockNumber>> {
			Restaking::operator_profile(operator)
		}

		fn service_security(
			service: ServiceId,
		) -> Option<restaking_api::ServiceSecurity<AccountId, Balance>> {
			Restaking::service_security(service)
		}

		fn system_risk() -> restaking_api::SystemRisk<AccountId, Balance> {
			Restaking::system_risk()
		}

		fn security_report(
			shock: sp_runtime::Perbill,
		) -> restaking_api::SecurityReport<AccountId, Balance> {
			Restaking::security_report(shock)
		}

		fn stress_test(
			shock: restaking_api::Shock<AccountId>,
			max_steps: u32,
		) -> restaking_api::StressReport<AccountId, Balance> {
			Restaking::stress_test(shock, max_steps)
		}

		fn operator_yield(operator: AccountId) -> Option<restaking_api::OperatorYield<Balance>> {
			Restaking::operator_yield(operator)
		}

		fn staker_yield(who: AccountId) -> Option<restaking_api::StakerYield<AccountId, Balance>> {
			Restaking::staker_yield(who)
		}

		fn services(
			after: Option<ServiceId>,
			count: u32,
		) -> restaking_api::Page<ServiceId, restaking_api::ServiceSecurity<AccountId, Balance>> {
			Restaking::services_page(after, count)
		}

		fn operators(
			after: Option<AccountId>,
			count: u32,
		) -> restaking_api::Page<AccountId, restaking_api::OperatorProfile<Balance, BlockNumber>> {
			Restaking::operators_page(after, count)
		}
	}

	#[api_version(2)]
	impl restaking_api::LiquidRestakingApi<Block, AccountId, Balance> for Runtime {
		fn vault_state(
			vault: restaking_primitives::liquid::VaultId,
		) -> Option<restaking_primitives::liquid::VaultState<AccountId, Balance>> {
			LiquidRestaking::vault_state(vault)
		}

		fn vaults(
			after: Option<restaking_primitives::liquid::VaultId>,
			count: u32,
		) -> restaking_api::Page<
			restaking_primitives::liquid::VaultId,
			restaking_primitives::liquid::VaultState<AccountId, Balance>,
		> {
			LiquidRestaking::vaults_page(after, count)
		}
	}

	#[api_version(2)]
	impl restaking_api::InsuranceApi<Block, AccountId, Balance, BlockNumber> for Runtime {
		fn pool_state(
			pool: restaking_primitives::insurance::PoolId,
		) -> Option<restaking_api::PoolState<AccountId, Balance>> {
			Insurance::pool_state(pool)
		}

		fn insurance_quote(
			pool: restaking_primitives::insurance::PoolId,
			operator: AccountId,
			service: ServiceId,
			amount: Balance,
			period: BlockNumber,
		) -> Result<Balance, sp_runtime::DispatchError> {
			Insurance::quote_next_block(pool, &operator, service, amount, period)
		}

		fn covers_of(
			operator: AccountId,
			service: ServiceId,
		) -> Vec<restaking_api::CoverView<AccountId, Balance, BlockNumber>> {
			Insurance::covers_of(&operator, service)
		}

		fn pools(
			after: Option<restaking_primitives::insurance::PoolId>,
			count: u32,
		) -> restaking_api::Page<
			restaking_primitives::insurance::PoolId,
			restaking_api::PoolState<AccountId, Balance>,
		> {
			Insurance::pools_page(after, count)
		}
	}

	impl restaking_api::SlashingApi<Block, AccountId, Balance, BlockNumber> for Runtime {
		fn pending_slashes() -> Vec<restaking_api::PendingSlash<AccountId, Balance, BlockNumber>> {
			Slashing::pending_slashes()
		}

		fn slash_record(
			id: restaking_primitives::slashing::SlashId,
		) -> Option<restaking_primitives::slashing::SlashRecord<AccountId, Balance, BlockNumber>> {
			Slashing::slash_record(id)
		}

		fn operator_slash_history(
			operator: AccountId,
		) -> Vec<restaking_primitives::slashing::SlashRecord<AccountId, Balance, BlockNumber>> {
			Slashing::operator_slash_history(&operator)
		}

		fn contagion_report(
			operator: AccountId,
		) -> restaking_api::ContagionReport<Balance, BlockNumber> {
			Slashing::contagion_report(&operator)
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	impl frame_benchmarking::Benchmark<Block> for Runtime {
		fn benchmark_metadata(extra: bool) -> (
			Vec<frame_benchmarking::BenchmarkList>,
			Vec<frame_support::traits::StorageInfo>,
		) {
			use frame_benchmarking::BenchmarkList;
			use frame_support::traits::StorageInfoTrait;
			use crate::{benchmarks::*, *};

			let mut list = Vec::<BenchmarkList>::new();
			list_benchmarks!(list, extra);

			let storage_info = AllPalletsWithSystem::storage_info();
			(list, storage_info)
		}

		#[allow(non_local_definitions)]
		fn dispatch_benchmark(
			config: frame_benchmarking::BenchmarkConfig
		) -> Result<Vec<frame_benchmarking::BenchmarkBatch>, alloc::string::String> {
			use frame_benchmarking::BenchmarkBatch;
			use frame_support::traits::WhitelistedStorageKeys;
			use sp_storage::TrackedStorageKey;
			use crate::{benchmarks::*, *};

			let whitelist: Vec<TrackedStorageKey> = AllPalletsWithSystem::whitelisted_storage_keys();
			let mut batches = Vec::<BenchmarkBatch>::new();
			let params = (&config, &whitelist);
			add_benchmarks!(params, batches);
			Ok(batches)
		}
	}

	#[cfg(feature = "try-runtime")]
	impl frame_try_runtime::TryRuntime<Block> for Runtime {
		fn on_runtime_upgrade(checks: frame_try_runtime::UpgradeCheckSelect) -> (Weight, Weight) {
			// try-runtime is an off-chain tool: a failed check is reported by aborting.
			let weight = Executive::try_runtime_upgrade(checks).expect("runtime upgrade checks failed");
			(weight, super::configs::RuntimeBlockWeights::get().max_block)
		}

		fn execute_block(
			block: <Block as BlockT>::LazyBlock,
			state_root_check: bool,
			signature_check: bool,
			select: frame_try_runtime::TryStateSelect,
		) -> Weight {
			Executive::try_execute_block(block, state_root_check, signature_check, select)
				.expect("try_execute_block failed")
		}
	}

	impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
		fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
			build_state::<RuntimeGenesisConfig>(config)
		}

		fn get_preset(id: &Option<sp_genesis_builder::PresetId>) -> Option<Vec<u8>> {
			get_preset::<RuntimeGenesisConfig>(id, crate::genesis_config_presets::get_preset)
		}

		fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
			crate::genesis_config_presets::preset_names()
		}
	}
}
