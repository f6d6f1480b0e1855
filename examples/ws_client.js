// Follow the live product feed from a browser page (no library needed).
//
//   const feed = followProducts({
//     baseUrl: "https://oppo.example.kz",
//     getAccessToken: () => session.accessToken,           // what you got from POST /api/v1/auth/login
//     refreshTokens: async () => { await session.refresh() }, // POST /api/v1/auth/refresh, keep the new pair
//     onEvent: (msg) => console.log(msg.event, msg.data),     // {"event", "data", "at"}
//     onResync: () => reloadTable(),                        // after a reconnect: events were missed
//   });
//   ...
//   feed.stop();
//
// Close codes (docs/websocket.md): 4401 token missing, bad or expired -> refresh and reconnect at once;
// 4403 not allowed -> stop; 4408 this client fell behind -> reconnect and reload; anything else
// (1006 network, 1012 server restart) -> reconnect with backoff 1 s, 2 s, 5 s, 10 s (then 10 s), +-20 % jitter.

const BACKOFF_SECONDS = [1, 2, 5, 10];
const JITTER = 0.2;
const HEARTBEAT_MS = 25000; // send "ping"; no answer within 10 s means the connection is dead
const HEARTBEAT_TIMEOUT_MS = 10000;

export function backoffDelay(attempt, random = Math.random) {
  const base = BACKOFF_SECONDS[Math.min(attempt, BACKOFF_SECONDS.length - 1)];
  return base * (1 - JITTER + 2 * JITTER * random()) * 1000; // milliseconds
}

export function feedUrl(baseUrl, token) {
  const url = new URL("/api/v1/ws/products", baseUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.searchParams.set("token", token);
  return url.toString();
}

export function followProducts({ baseUrl = window.location.origin, getAccessToken, refreshTokens, onEvent, onResync, onForbidden }) {
  let socket = null;
  let attempt = 0;
  let stopped = false;
  let connectedBefore = false;
  let retryTimer = null;
  let heartbeat = null;
  let heartbeatDeadline = null;

  function clearTimers() {
    clearInterval(heartbeat);
    clearTimeout(heartbeatDeadline);
    heartbeat = heartbeatDeadline = null;
  }

  function scheduleReconnect() {
    if (stopped) return;
    const delay = backoffDelay(attempt++);
    retryTimer = setTimeout(connect, delay);
  }

  function connect() {
    if (stopped) return;
    socket = new WebSocket(feedUrl(baseUrl, getAccessToken()));
    socket.onopen = () => {
      attempt = 0; // a good connection starts the schedule again
      if (connectedBefore && onResync) onResync();
      connectedBefore = true;
      heartbeat = setInterval(() => {
        socket.send("ping");
        heartbeatDeadline = setTimeout(() => socket.close(), HEARTBEAT_TIMEOUT_MS);
      }, HEARTBEAT_MS);
    };
    socket.onmessage = (message) => {
      clearTimeout(heartbeatDeadline); // any message proves the connection is alive
      if (message.data === "pong") return;
      onEvent(JSON.parse(message.data));
    };
    socket.onclose = async (close) => {
      clearTimers();
      if (stopped) return;
      if (close.code === 4403) {
        stopped = true;
        if (onForbidden) onForbidden(close.reason);
        return;
      }
      if (close.code === 4401) {
        try {
          await refreshTokens();
          connect(); // at once, with the new access token
          return;
        } catch (error) {
          // the server may be down: fall through to the backoff
        }
      }
      scheduleReconnect();
    };
  }

  connect();
  return {
    stop() {
      stopped = true;
      clearTimeout(retryTimer);
      clearTimers();
      if (socket) socket.close(1000);
    },
  };
}
