/** The overlay page's stylesheet, served as /overlay/assets/overlay.css. */
export const OVERLAY_CSS = String.raw`
html, body {
  margin: 0;
  height: 100%;
  overflow: hidden;
  /* OBS composites the page over the stream: only the alerts may paint. */
  background: transparent;
}
body {
  font: 700 22px/1.25 system-ui, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  color: #fff;
  text-shadow: 0 2px 4px rgb(0 0 0 / 60%);
}
#overlay { position: relative; width: 100vw; height: 100vh; }

#lane {
  position: absolute;
  left: 24px;
  bottom: 24px;
  width: min(480px, 45vw);
  display: flex;
  flex-direction: column;
  gap: 10px;
}
#stage { position: absolute; inset: 0; display: grid; place-items: center; }

.alert {
  display: flex;
  align-items: center;
  gap: 12px;
  padding: 8px 18px 8px 8px;
  border-radius: 999px;
  background: rgb(24 18 48 / 80%);
  overflow-wrap: anywhere;
  animation: slide-in 350ms ease-out both;
}
.alert.leaving { animation: fade-out 400ms ease-in forwards; }
.icon { font-size: 1.8em; line-height: 1; flex: none; }
img.icon { width: 1.8em; height: 1.8em; object-fit: contain; }
.text { display: flex; flex-direction: column; min-width: 0; }
.sender { color: #ffe08a; }
.action { font-weight: 500; }
.message { font-weight: 500; }
.combo-count {
  margin-left: auto;
  font-size: 1.5em;
  font-style: italic;
  color: #ffd54a;
}
.combo-count.bump { animation: bump 300ms ease-out; }

.tier-medium {
  font-size: 28px;
  padding: 14px 22px 14px 14px;
  border-radius: 22px;
  background: linear-gradient(120deg, rgb(110 40 200 / 88%), rgb(230 60 140 / 88%));
}
.tier-large {
  flex-direction: column;
  text-align: center;
  font-size: 40px;
  padding: 28px 48px;
  border-radius: 32px;
  background: radial-gradient(circle, rgb(255 190 60 / 92%), rgb(200 50 120 / 88%));
  box-shadow: 0 0 80px rgb(255 200 80 / 70%);
  animation: burst 600ms cubic-bezier(0.2, 1.6, 0.4, 1) both;
}
.tier-large .icon { font-size: 120px; }
.tier-large .combo-count, .tier-fullscreen .combo-count { margin-left: 0; }
.tier-fullscreen {
  position: absolute;
  inset: 0;
  flex-direction: column;
  justify-content: center;
  text-align: center;
  font-size: 56px;
  border-radius: 0;
  background: radial-gradient(circle, rgb(255 210 90 / 55%), rgb(120 20 160 / 45%) 55%, rgb(0 0 0 / 0%) 80%);
  animation: flood 800ms ease-out both;
}
.tier-fullscreen .icon { font-size: 32vh; animation: float 1.6s ease-in-out infinite alternate; }

.paid-message {
  flex-direction: column;
  align-items: flex-start;
  gap: 4px;
  padding: 12px 18px;
  border-radius: 16px;
  border-left: 10px solid var(--tier-color, #1e88e5);
}
.paid-message .head { display: flex; gap: 10px; }
.paid-message .coins { color: var(--tier-color, #1e88e5); }
.cheer .badge { color: var(--badge-color, #b388ff); }

#goal {
  position: absolute;
  top: 16px;
  left: 50%;
  transform: translateX(-50%);
  width: 420px;
  padding: 8px 12px;
  border-radius: 10px;
  background: rgba(20, 24, 36, 0.82);
  color: #fff;
  font-weight: 700;
}
#goal p {
  margin: 0 0 6px;
  display: flex;
  justify-content: space-between;
}
#goal .track {
  height: 10px;
  border-radius: 999px;
  background: rgba(255, 255, 255, 0.2);
  overflow: hidden;
}
#goal .fill {
  height: 100%;
  width: 0;
  background: linear-gradient(90deg, #ff5f8f, #ffb347);
  transition: width 0.3s ease-out;
}
#goal.reached .fill {
  background: #ffd76a;
}
#battle {
  position: absolute;
  top: 84px;
  left: 50%;
  transform: translateX(-50%);
  width: 460px;
  padding: 8px 12px;
  border-radius: 10px;
  background: rgba(20, 24, 36, 0.82);
  color: #fff;
  font-weight: 700;
  font-variant-numeric: tabular-nums;
}
#battle p {
  margin: 0 0 6px;
  display: flex;
  justify-content: space-between;
  gap: 12px;
}
#battle .here {
  color: #ff6f9c;
}
#battle .other {
  color: #64b5f6;
}
#battle .track {
  height: 12px;
  border-radius: 999px;
  background: #1e88e5;
  overflow: hidden;
}
#battle .fill {
  height: 100%;
  width: 50%;
  background: #e91e63;
  transition: width 0.3s ease-out;
}
#battle.boosted .status {
  color: #ffd54f;
}
#battle.ended .status {
  color: #ffd76a;
}
#ticker {
  position: absolute;
  top: 16px;
  left: 16px;
  right: 16px;
}
#top-gifters {
  display: flex;
  gap: 28px;
  margin: 0;
  padding: 6px 16px;
  list-style: none;
  font-size: 20px;
  white-space: nowrap;
  overflow: hidden;
}
#top-gifters:empty { display: none; }
#top-gifters li { animation: slide-in 350ms ease-out both; }
#top-gifters .rank { color: #ffd54a; margin-right: 6px; }
#top-gifters .coins { font-weight: 500; margin-left: 6px; }

@keyframes slide-in { from { opacity: 0; transform: translateX(-60px); } }
@keyframes fade-out { to { opacity: 0; transform: translateY(-12px); } }
@keyframes bump { 50% { transform: scale(1.5); } }
@keyframes burst { from { opacity: 0; transform: scale(0.2); } }
@keyframes flood { from { opacity: 0; transform: scale(1.3); } }
@keyframes float { to { transform: translateY(-4vh) scale(1.05); } }
`;
