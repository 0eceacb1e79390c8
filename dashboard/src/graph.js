// The operator–service graph: operators on the left, services on the right, one line per
// allocation whose width grows with the stake the service can slash through the operator
// (square-root scale, so a small allocation stays visible next to a large one).
import { esc, units } from './format.js';

const ROW = 56;
const WIDTH = 640;
const LEFT = 150;
const RIGHT = WIDTH - 150;
const MAX_EDGE = 18;

export function drawGraph(system, names) {
  const operators = system.operators;
  const services = system.services;
  const rows = Math.max(operators.length, services.length, 1);
  const height = rows * ROW + 20;
  const y = (i, n) => 10 + (i + 0.5) * ((rows * ROW) / Math.max(n, 1));
  const serviceIndex = new Map(services.map((s, i) => [s.id, i]));
  const edges = operators.flatMap((o, i) => o.allocations
    .filter((a) => a.slashable > 0n && serviceIndex.has(a.service))
    .map((a) => ({ from: i, to: serviceIndex.get(a.service), operator: o.operator, ...a })));
  const largest = edges.reduce((m, e) => (e.slashable > m ? e.slashable : m), 1n);
  const width = (s) => 1.5 + (MAX_EDGE - 1.5) * Math.sqrt(Number(s) / Number(largest));

  const lines = edges.map((e) => `
    <line class="edge" data-operator="${esc(e.operator)}" data-service="${e.service}"
      data-slashable="${e.slashable}" x1="${LEFT}" y1="${y(e.from, operators.length)}"
      x2="${RIGHT}" y2="${y(e.to, services.length)}" stroke-width="${width(e.slashable).toFixed(2)}">
      <title>${esc(names(e.operator))} → service ${e.service}: ${esc(units(e.slashable, 0))} slashable</title>
    </line>`).join('');
  const operatorNodes = operators.map((o, i) => `
    <g class="operator-node" data-operator="${esc(o.operator)}" transform="translate(${LEFT},${y(i, operators.length)})">
      <circle r="9"></circle>
      <text x="-14" dy="4" text-anchor="end">${esc(names(o.operator))}</text>
    </g>`).join('');
  const serviceNodes = services.map((s, i) => `
    <g class="service-node" data-service="${s.id}" transform="translate(${RIGHT},${y(i, services.length)})">
      <rect x="-9" y="-9" width="18" height="18"></rect>
      <text x="14" dy="4">service ${s.id}</text>
    </g>`).join('');
  return `<svg id="graph-svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}"
    role="img" aria-label="${operators.length} operators and ${services.length} services">
    <text class="axis" x="${LEFT}" y="12" text-anchor="middle">operators</text>
    <text class="axis" x="${RIGHT}" y="12" text-anchor="middle">services</text>
    ${lines}${operatorNodes}${serviceNodes}</svg>`;
}
