// The Capacity row's texts: its mode and units, and what the table costs a month from its
// capacity and size (list prices of protocol/pricing.ts).
import { billingMode, type TableDescription } from '../tables';
import { ON_DEMAND_PRICE, formatDollars, formatEstimate } from '../../protocol/capacity';
import { PRICE_BASIS, monthlyText, provisionedMonthly } from '../../protocol/pricing';

export function capacityTooltip(d: TableDescription): string {
  const size = d.TableSizeBytes ?? 0;
  if (billingMode(d) === 'PAY_PER_REQUEST') {
    const storage = formatEstimate(provisionedMonthly(0, 0, size).storage);
    return `On-demand: billed per request, ${formatDollars(ON_DEMAND_PRICE.readPerMillion)} per million read units and ${formatDollars(ON_DEMAND_PRICE.writePerMillion)} per million write units, plus storage at ${storage} a month (${ON_DEMAND_PRICE.region} list prices).`;
  }
  let rcu = d.ProvisionedThroughput?.ReadCapacityUnits ?? 0;
  let wcu = d.ProvisionedThroughput?.WriteCapacityUnits ?? 0;
  for (const ix of d.GlobalSecondaryIndexes ?? []) {
    rcu += ix.ProvisionedThroughput?.ReadCapacityUnits ?? 0;
    wcu += ix.ProvisionedThroughput?.WriteCapacityUnits ?? 0;
  }
  return `Estimated ${monthlyText(rcu, wcu, size)}${d.GlobalSecondaryIndexes?.length ? ', global indexes included' : ''}, ${PRICE_BASIS}.`;
}

export function capacityText(d: TableDescription): string {
  if (billingMode(d) === 'PAY_PER_REQUEST') return 'on-demand';
  const p = d.ProvisionedThroughput ?? {};
  return `provisioned · ${p.ReadCapacityUnits ?? 0} RCU / ${p.WriteCapacityUnits ?? 0} WCU`;
}
