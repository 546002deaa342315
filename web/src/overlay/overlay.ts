/**
 * The stream overlay page's script (src/overlay/page.ts serves it as
 * /overlay/assets/overlay.js; web/vite.overlay.config.ts builds it). It
 * follows the creator's room socket and turns money events into alerts.
 * User text only ever reaches the page through textContent: display names
 * and messages are whatever viewers typed. Checks of fields the protocol
 * types already promise stay: during a deploy the socket may reach a server
 * of another version than the one that served this script.
 */
import type { Battle, ClientMessage, CheerEvent, GiftEvent, GiftTier, LiveGoal, PaidMessageEvent, ServerMessage, TopGifterEntry } from '../../../client/src/protocol';

/** A message the page reads alone: anything but the welcome and a batch, whose events come through here one by one. */
type RelayedMessage = Exclude<ServerMessage, { type: 'welcome' } | { type: 'batch' }>;

/** The page's own elements (src/overlay/page.ts): a missing one is a broken page. */
function byId(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (!found) throw new Error(`The overlay page has no #${id}.`);
  return found;
}

const root = byId('overlay');
const ticker = byId('top-gifters');
const goalBox = byId('goal');
const battleBox = byId('battle');
const key = new URLSearchParams(location.search).get('key') || '';
const number = new Intl.NumberFormat();

const TIERS: readonly GiftTier[] = ['small', 'medium', 'large', 'fullscreen'];
/** Large and fullscreen gifts take the middle of the screen, one at a time. */
const PLACE_OF_TIER: Record<GiftTier, PlaceName> = { small: 'lane', medium: 'lane', large: 'stage', fullscreen: 'stage' };
const HOLD_MS: Record<GiftTier | 'cheer', number> = { small: 5000, medium: 7000, large: 6000, fullscreen: 8000, cheer: 6000 };
const PAID_MESSAGE_HOLD_MS = { min: 8000, max: 30000 };
/** Per place: in a flood of gifts the oldest waiting alerts are dropped rather than piling up. */
const WAITING_MAX = 30;
/** Event ids remembered for de-duplication; far more than a reconnect can replay. */
const SEEN_MAX = 1000;
/** Matches the fade-out animation in overlay.css. */
const LEAVE_MS = 400;
const TICKER_SIZE = 3;
const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 30000;
const PING_MS = 25000;
const PING = JSON.stringify({ type: 'ping' } satisfies ClientMessage);
/** The socket's close code for an unknown overlay, or a key rotated since (docs/live-protocol.md). */
const CLOSE_NOT_FOUND = 4404;
const COLOR = /^#[0-9a-f]{3,8}$/i;
/** A battle's result stays on screen this long, then the bar leaves. */
const BATTLE_RESULT_MS = 30000;

type PlaceName = 'lane' | 'stage';

/** Where alerts show, and how many at once: the rest wait for a free slot. */
interface Place {
  el: HTMLElement;
  slots: number;
  shown: Alert[];
  waiting: Alert[];
}

interface Alert {
  node: HTMLElement;
  place: Place;
  holdMs: number;
  timer: number;
  comboId: string | null;
}

/** A combo's one alert, whose counter grows with each gift of the streak. */
interface ComboAlert extends Alert {
  comboId: string;
  count: number;
  countNode: HTMLElement;
}

function place(id: PlaceName, slots: number): Place {
  return { el: byId(id), slots, shown: [], waiting: [] };
}
const places: Record<PlaceName, Place> = { lane: place('lane', 5), stage: place('stage', 1) };

const seen = new Set<string>();
const seenOrder: string[] = [];
/** False for an event already shown: a reconnect or a second server relaying it. */
function firstSighting(eventId: string): boolean {
  if (typeof eventId !== 'string' || seen.has(eventId)) return false;
  seen.add(eventId);
  seenOrder.push(eventId);
  if (seenOrder.length > SEEN_MAX) seen.delete(seenOrder.shift()!);
  return true;
}

/** Combo id to the alert counting it, while that alert is shown or waiting. */
const combos = new Map<string, ComboAlert>();

function element<Tag extends keyof HTMLElementTagNameMap>(tag: Tag, className?: string, text?: string): HTMLElementTagNameMap[Tag] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function coinsText(coins: number): string {
  return number.format(coins) + (coins === 1 ? ' coin' : ' coins');
}

/** A gift's icon is an emoji or a path on this server, such as /gifts/rose.png. */
function iconOf(icon: string): HTMLElement {
  if (typeof icon === 'string' && /^\/[^/\\]/.test(icon)) {
    const image = element('img', 'icon');
    image.alt = '';
    image.src = icon;
    return image;
  }
  return element('span', 'icon', typeof icon === 'string' ? icon : '');
}

function alertOf(node: HTMLElement, placeName: PlaceName, holdMs: number): Alert {
  return { node, place: places[placeName], holdMs, timer: 0, comboId: null };
}

function giftAlert(gift: GiftEvent): Alert {
  const tier = TIERS.includes(gift.tier) ? gift.tier : 'small';
  const node = element('div', 'alert gift tier-' + tier);
  node.dataset.eventId = gift.eventId;
  const text = element('span', 'text');
  const quantity = !gift.combo && gift.quantity > 1 ? ' ×' + gift.quantity : '';
  text.append(element('span', 'sender', gift.senderName), element('span', 'action', 'sent ' + gift.name + quantity));
  node.append(iconOf(gift.icon), text);
  const alert = alertOf(node, PLACE_OF_TIER[tier], HOLD_MS[tier]);
  if (!gift.combo) return alert;
  const combo: ComboAlert = { ...alert, comboId: gift.combo.id, count: 0, countNode: element('span', 'combo-count') };
  node.dataset.comboId = gift.combo.id;
  node.append(combo.countNode);
  setCount(combo, gift.combo.count);
  combos.set(gift.combo.id, combo);
  return combo;
}

/** Counts only go up: a replayed or late gift of the streak never shows a smaller number. */
function setCount(alert: ComboAlert, count: number): void {
  if (!(count > alert.count)) return;
  alert.count = count;
  alert.countNode.textContent = 'x' + count;
  // Restart the bump animation for each new gift of the streak.
  alert.countNode.classList.remove('bump');
  void alert.countNode.offsetWidth;
  alert.countNode.classList.add('bump');
}

/** A paid message's tier or a cheer's badge: its name for the stylesheet, and its colour when it is one. */
function markedBy(node: HTMLElement, kind: 'tier' | 'badge', mark: Partial<{ name: string; color: string }>): void {
  if (typeof mark.name === 'string') node.dataset[kind] = mark.name;
  if (typeof mark.color === 'string' && COLOR.test(mark.color)) node.style.setProperty(`--${kind}-color`, mark.color);
}

function paidMessageAlert(message: PaidMessageEvent): Alert {
  const tier: Partial<PaidMessageEvent['tier']> = message.tier || {};
  const node = element('div', 'alert paid-message');
  node.dataset.eventId = message.eventId;
  markedBy(node, 'tier', tier);
  const head = element('span', 'head');
  head.append(element('span', 'sender', message.senderName), element('span', 'coins', coinsText(message.coins)));
  node.append(head, element('span', 'message', message.text));
  const pinnedMs = (Number(tier.pinSeconds) || 0) * 1000;
  return alertOf(node, 'lane', Math.min(Math.max(pinnedMs, PAID_MESSAGE_HOLD_MS.min), PAID_MESSAGE_HOLD_MS.max));
}

function cheerAlert(cheer: CheerEvent): Alert {
  const node = element('div', 'alert cheer');
  node.dataset.eventId = cheer.eventId;
  markedBy(node, 'badge', cheer.badge || {});
  const text = element('span', 'text');
  text.append(element('span', 'sender', cheer.senderName), element('span', 'action', 'cheered ' + coinsText(cheer.coins)));
  if (cheer.text) text.append(element('span', 'message', cheer.text));
  node.append(element('span', 'icon badge', '◆'), text);
  return alertOf(node, 'lane', HOLD_MS.cheer);
}

function present(alert: Alert): void {
  const where = alert.place;
  if (where.shown.length < where.slots) return show(alert);
  where.waiting.push(alert);
  if (where.waiting.length > WAITING_MAX) forget(where.waiting.shift()!);
}

function show(alert: Alert): void {
  alert.place.shown.push(alert);
  alert.place.el.append(alert.node);
  hold(alert);
}

function hold(alert: Alert): void {
  clearTimeout(alert.timer);
  alert.timer = setTimeout(() => dismiss(alert), alert.holdMs);
}

/** The alert keeps its slot while it fades out, so the next one never paints over it. */
function dismiss(alert: Alert): void {
  forget(alert);
  alert.node.classList.add('leaving');
  setTimeout(() => {
    const where = alert.place;
    const index = where.shown.indexOf(alert);
    if (index === -1) return; // cleared meanwhile
    where.shown.splice(index, 1);
    alert.node.remove();
    const next = where.waiting.shift();
    if (next) show(next);
  }, LEAVE_MS);
}

function forget(alert: Alert): void {
  if (alert.comboId !== null && combos.get(alert.comboId) === alert) combos.delete(alert.comboId);
}

function clearAlerts(): void {
  for (const where of Object.values(places)) {
    for (const alert of where.shown) clearTimeout(alert.timer);
    where.shown = [];
    where.waiting = [];
    where.el.replaceChildren();
  }
  combos.clear();
}

function onGift(gift: GiftEvent): void {
  const streak = gift.combo ? combos.get(gift.combo.id) : undefined;
  if (!gift.combo || !streak) return present(giftAlert(gift));
  setCount(streak, gift.combo.count);
  if (streak.place.shown.includes(streak)) hold(streak);
}

function receive(event: RelayedMessage): void {
  if (event.type !== 'gift' && event.type !== 'paid_message' && event.type !== 'cheer') return;
  if (!firstSighting(event.eventId)) return;
  if (event.type === 'gift') onGift(event);
  else if (event.type === 'paid_message') present(paidMessageAlert(event));
  else present(cheerAlert(event));
}

/** The live's goal shown (docs/levels.md#goals), or null. */
let goal: LiveGoal | null = null;

function renderGoal(next: LiveGoal | null): void {
  goal = next;
  goalBox.hidden = next === null;
  if (next === null) return;
  goalBox.querySelector('.title')!.textContent = next.title;
  goalBox.querySelector('.progress')!.textContent = `${number.format(next.progress)} / ${number.format(next.target)}`;
  goalBox.querySelector<HTMLElement>('.fill')!.style.width = `${Math.min(100, Math.floor((next.progress * 100) / next.target))}%`;
  goalBox.classList.toggle('reached', next.completedAt !== null);
}

/** The live shown (the welcome's), whose side of a battle is drawn on the left. */
let liveId = '';
/** The battle shown (docs/battles.md): running, or ended with its result for a while; null when none. */
let battle: Battle | null = null;
let battleClock = 0;
let battleResultTimer = 0;

function clockText(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** The time left (or to the start), and the boost while it lasts; the result once there is one. */
function renderBattleClock(): void {
  if (!battle) return;
  const here = battle.sides.find((side) => side.liveId === liveId);
  const status = battleBox.querySelector('.status')!;
  const now = Date.now();
  const startsMs = Date.parse(battle.startsAt ?? '');
  const endsMs = Date.parse(battle.endsAt ?? '');
  const boosted = battle.winner === null && battle.boostAt !== null && battle.boostMultiplier > 1 && now >= Date.parse(battle.boostAt) && now < endsMs;
  battleBox.classList.toggle('boosted', boosted);
  if (battle.winner !== null) status.textContent = battle.winner === 'tie' ? 'A tie!' : battle.winner === here?.side ? 'We won!' : 'They won';
  else if (now < startsMs) status.textContent = `Starts in ${clockText(startsMs - now)}`;
  else status.textContent = `${clockText(endsMs - now)}${boosted ? ` · ×${battle.boostMultiplier} boost` : ''}`;
}

/** Shows `next` if it is running or has its result; a proposed or declined battle, or none, hides the bar. */
function renderBattle(next: Battle | null): void {
  const here = next?.sides.find((side) => side.liveId === liveId);
  const other = next?.sides.find((side) => side.liveId !== liveId);
  const shown = next && here && other && (next.status === 'running' || next.winner !== null) ? next : null;
  // A result already shown keeps its timer; a new result starts one.
  if (!shown || shown.winner === null || battle?.id !== shown.id || battle.winner === null) {
    clearTimeout(battleResultTimer);
    if (shown?.winner) battleResultTimer = setTimeout(() => renderBattle(null), BATTLE_RESULT_MS);
  }
  battle = shown;
  battleBox.hidden = shown === null;
  clearInterval(battleClock);
  if (!shown || !here || !other) return;
  battleBox.querySelector('.here')!.textContent = number.format(here.score);
  battleBox.querySelector('.other')!.textContent = number.format(other.score);
  const total = here.score + other.score;
  battleBox.querySelector<HTMLElement>('.fill')!.style.width = `${total === 0 ? 50 : Math.round((100 * here.score) / total)}%`;
  battleBox.classList.toggle('ended', shown.winner !== null);
  renderBattleClock();
  if (shown.winner === null) battleClock = setInterval(renderBattleClock, 250);
}

/** `next` with each side's score the highest seen of it: servers push what their own gifts reached. */
function withScoresSeen(next: Battle): Battle {
  if (battle?.id !== next.id) return next;
  const seen = battle;
  return { ...next, sides: next.sides.map((side) => ({ ...side, score: Math.max(side.score, seen.sides.find((each) => each.side === side.side)?.score ?? 0) })) };
}

function renderTopGifters(entries: readonly TopGifterEntry[]): void {
  const items = (Array.isArray(entries) ? entries : []).slice(0, TICKER_SIZE).map((entry, index) => {
    const item = element('li');
    item.dataset.userId = entry.userId;
    item.append(element('span', 'rank', '#' + (index + 1)), element('span', 'name', entry.displayName), element('span', 'coins', number.format(entry.coins)));
    return item;
  });
  ticker.replaceChildren(...items);
}

let attempts = 0;
let retryMs = RETRY_MIN_MS;

function connect(): void {
  attempts += 1;
  // Events sent before the page first connected are history, not alerts; after a wait or a drop they are what was missed.
  const replay = attempts > 1;
  const url = new URL(root.dataset.socket ?? '', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('key', key);
  const socket = new WebSocket(url);
  let ping = 0;
  socket.onopen = () => {
    ping = setInterval(() => socket.send(PING), PING_MS);
  };
  socket.onmessage = (frame: MessageEvent<string>) => {
    let message: ServerMessage;
    try {
      message = JSON.parse(frame.data);
    } catch {
      return;
    }
    if (message.type === 'welcome') {
      retryMs = RETRY_MIN_MS;
      root.dataset.connection = 'live';
      renderTopGifters(message.topGifters);
      renderGoal(message.goal ?? null);
      liveId = message.live.id;
      // A server of an older version sends no battle: the bar shows from the next battle event.
      if (message.battle) renderBattle(withScoresSeen(message.battle));
      else if (battle?.winner === null) renderBattle(null);
      const recent = (Array.isArray(message.recentEvents) ? message.recentEvents : []).slice().sort((a, b) => (a.sentAt < b.sentAt ? -1 : a.sentAt > b.sentAt ? 1 : 0));
      for (const event of recent) {
        if (replay) receive(event);
        else firstSighting(event.eventId);
      }
    } else if (message.type === 'batch') {
      // Several events of one tick, in order: each as if it came alone.
      for (const event of Array.isArray(message.events) ? message.events : []) onEvent(event);
    } else {
      onEvent(message);
    }
  };
  function onEvent(message: RelayedMessage): void {
    if (message.type === 'leaderboard') {
      renderTopGifters(message.topGifters);
    } else if (message.type === 'goal_set' || message.type === 'goal_completed') {
      // Servers push the progress their own payments reached: the highest seen stands.
      renderGoal({ ...message.goal, progress: Math.max(message.goal.progress, goal?.id === message.goal.id ? goal.progress : 0) });
    } else if (message.type === 'goal_progress') {
      if (goal?.id === message.goalId && message.progress > goal.progress) renderGoal({ ...goal, progress: message.progress });
    } else if (message.type === 'goal_cleared') {
      if (goal?.id === message.goalId) renderGoal(null);
    } else if (message.type === 'battle_started') {
      renderBattle(withScoresSeen(message.battle));
    } else if (message.type === 'battle_ended') {
      // The recorded result.
      renderBattle(message.battle);
    } else if (message.type === 'battle_declined') {
      if (battle?.id === message.battle.id) renderBattle(null);
    } else if (message.type === 'battle_score') {
      const { scores } = message;
      if (battle?.id === message.battleId && battle.winner === null) renderBattle(withScoresSeen({ ...battle, sides: battle.sides.map((side) => ({ ...side, score: scores[side.side] ?? 0 })) }));
    } else if (message.type === 'live_ended') {
      clearAlerts();
      renderTopGifters([]);
      renderGoal(null);
      renderBattle(null);
      // Wait for the creator's next live like any other time they are off air.
      socket.close();
    } else {
      receive(message);
    }
  }
  // Also after "not_live": the server closes, and the page keeps trying, showing nothing meanwhile.
  socket.onclose = (event) => {
    clearInterval(ping);
    if (event.code === CLOSE_NOT_FOUND) {
      // This URL will never work again: only the creator's new one will.
      clearAlerts();
      renderTopGifters([]);
      root.dataset.connection = 'closed';
      return;
    }
    root.dataset.connection = 'waiting';
    // Jittered, so overlays do not all come back at the same moment after a server restart.
    setTimeout(connect, retryMs / 2 + (Math.random() * retryMs) / 2);
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
  };
}

connect();
