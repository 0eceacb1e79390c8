// What the page shows, read from the runtime API (`call.*`, typed from the chain's metadata)
// and a little storage, all at one block: `at` is `await api.at(blockHash)`, so a render never
// mixes two states. Every figure keeps its raw value (BigInt) for the page's `data-value`
// attributes, which the end-to-end test compares with the runtime API at the same block.

const PAGE = 100;

/** Every entry of a paged listing (`Page { items, next }`), page after page. */
export async function listAll(call) {
  const entries = [];
  let after = null;
  for (;;) {
    const page = await call(after, PAGE);
    for (const [key, item] of page.items) entries.push({ key, item });
    if (page.next.isNone) return entries;
    after = page.next.unwrap();
  }
}

const big = (codec) => codec.toBigInt();

/** The system: services, operators with their yields, slashes, pools, vaults and risk. */
export async function loadSystem(at) {
  const { call } = at;
  const [services, operators, pending, pools, vaults, risk] = await Promise.all([
    listAll((after, count) => call.restakingApi.services(after, count)),
    listAll((after, count) => call.restakingApi.operators(after, count)),
    call.slashingApi.pendingSlashes(),
    listAll((after, count) => call.insuranceApi.pools(after, count)),
    listAll((after, count) => call.liquidRestakingApi.vaults(after, count)),
    call.restakingApi.systemRisk(),
  ]);
  const yields = await Promise.all(
    operators.map(({ key }) => call.restakingApi.operatorYield(key)),
  );
  return {
    services: services
      .map(({ key, item }) => ({
        id: key.toNumber(),
        owner: item.owner.toString(),
        status: item.status.type,
        totalSlashable: big(item.totalSlashable),
        operators: item.operators.map((o) => ({ operator: o.operator.toString(), slashable: big(o.slashable) })),
        largestShare: item.largestOperatorShare.toNumber(),
        nakamoto: item.nakamotoCoefficient.toNumber(),
        budget: big(item.rewardBudget),
      }))
      .sort((a, b) => a.id - b.id),
    operators: operators.map(({ key, item }, i) => ({
      operator: key.toString(),
      selfBond: big(item.selfBond),
      poolValue: big(item.poolValue),
      commission: item.commission.toNumber(),
      delegators: item.delegators.toNumber(),
      concentration: item.concentration.toNumber(),
      allocations: item.allocations.map((a) => ({
        service: a.service.toNumber(),
        magnitude: big(a.magnitude),
        slashable: big(a.slashable),
        pending: a.pending.isSome,
      })),
      yield: yields[i].isSome ? yieldOf(yields[i].unwrap()) : null,
    })),
    pending: pending.map(({ id, request }) => ({
      id: id.toNumber(),
      service: request.service.toNumber(),
      operator: request.operator.toString(),
      tier: request.tier.type,
      fraction: request.fraction.toNumber(),
      slashable: big(request.slashable),
      due: request.due.toNumber(),
    })),
    pools: pools.map(({ key, item }) => ({
      id: key.toNumber(),
      owner: item.owner.toString(),
      services: item.services.map((s) => s.toNumber()),
      capital: big(item.capital),
      locked: big(item.locked),
      utilization: item.utilization.toNumber(),
      premiumPerBlock: item.ratePerBlock.toNumber(),
      covers: item.covers.toNumber(),
    })),
    vaults: vaults.map(({ key, item }) => ({
      id: key.toNumber(),
      operator: item.operator.toString(),
      value: big(item.value),
      supply: big(item.supply),
      rate: big(item.rate),
      slashPending: item.slashPending.isTrue,
    })),
    risk: {
      totalRestaked: big(risk.totalRestaked),
      totalStaked: big(risk.totalStaked),
      restakedShare: risk.restakedShare.toNumber(),
      leverage: big(risk.leverage),
      topOperatorsShare: risk.topOperatorsShare.toNumber(),
      shortfall: big(risk.shortfall),
      contagion: risk.contagion.length,
    },
  };
}

function yieldOf(y) {
  return {
    eras: y.window.eras.toNumber(),
    currentEra: y.window.currentEra.toNumber(),
    rewards: big(y.rewards),
    compensation: big(y.compensation),
    losses: big(y.losses),
    net: big(y.net),
  };
}

function partOf(part) {
  return { amount: big(part.amount), basis: big(part.basis), perYear: big(part.perYear) };
}

/**
 * An account: its exposure, its yield, and what each of its services would take at its
 * `Critical` tier (the slashing policy's critical fraction, capped at its maximum per incident).
 */
export async function loadAccount(at, address) {
  const [exposure, estimate] = await Promise.all([
    at.call.restakingApi.stakerExposure(address),
    at.call.restakingApi.stakerYield(address),
  ]);
  if (exposure.isNone && estimate.isNone) return null;
  const account = { address, exposure: null, yield: null };
  if (exposure.isSome) {
    const e = exposure.unwrap();
    const services = await Promise.all(e.services.map(async (s) => {
      const service = s.service.toNumber();
      const policy = await at.query.slashing.policies(service);
      const critical = policy.isSome
        ? Math.min(policy.unwrap().critical.toNumber(), policy.unwrap().maxPerIncident.toNumber())
        : 0;
      return { service, slashable: big(s.slashable), critical };
    }));
    account.exposure = {
      operator: e.operator.isSome ? e.operator.unwrap().toString() : null,
      restaked: big(e.restaked),
      pendingLoss: big(e.pendingLoss),
      pendingRewards: big(e.pendingRewards),
      pendingCompensation: big(e.pendingCompensation),
      queuedOutflow: big(e.queuedOutflow),
      baseBond: big(e.baseBond),
      withdrawals: e.withdrawals.map((w) => ({ value: big(w.value), unlockAt: w.unlockAt.toNumber() })),
      services,
      vaults: e.vaults.map((v) => ({
        vault: v.vault.toNumber(),
        operator: v.operator.toString(),
        tokens: big(v.tokens),
        value: big(v.value),
      })),
    };
  }
  if (estimate.isSome) {
    const y = estimate.unwrap();
    account.yield = {
      eras: y.window.eras.toNumber(),
      firstEra: y.window.firstEra.toNumber(),
      baseEras: y.baseWindow.eras.toNumber(),
      currentEra: y.window.currentEra.toNumber(),
      erasPerYear: y.window.erasPerYear.toNumber(),
      base: partOf(y.base),
      rewards: partOf(y.rewards),
      compensation: partOf(y.compensation),
      losses: partOf(y.losses),
      net: y.net.isSome ? big(y.net.unwrap()) : null,
    };
  }
  return account;
}

/** Restaked total and stake slashable over all services at `hash` (for the security plot). */
export async function securityAt(api, hash) {
  const at = await api.at(hash);
  const risk = await at.call.restakingApi.systemRisk();
  const restaked = big(risk.totalRestaked);
  // `leverage` is Σ slashable / total restaked (10^18 = 1).
  const slashable = (restaked * big(risk.leverage)) / 10n ** 18n;
  return { restaked, slashable };
}
