/* Keeps the public incident page current without a reload.

   Polls live.json, the projection the page itself was rendered from. With cache: "no-cache" the
   browser revalidates with If-None-Match, so an unchanged document costs a 304 and arrives here
   as the same body, which is skipped. A changed body (and the first one, which rebuilds the same
   DOM) rebuilds the parts of the page marked data-live with the same elements and classes as
   templates/publicpage/incident.html: change the two together (tests/test_browser_public.py
   compares them). */
(() => {
  "use strict";

  const root = document.querySelector("[data-live-url]");
  if (!root || !window.fetch) return;

  const MAX_RETRY_SECONDS = 300;
  const REQUEST_TIMEOUT_SECONDS = 15; // a hung request must not stop the polling for good
  const url = root.dataset.liveUrl;
  const indicator = document.querySelector(".live");
  let pollSeconds = Number(root.dataset.pollSeconds) || 10;
  const pageSize = Number(root.dataset.pageSize) || Infinity; // the page shows the newest ones
  let lastBody = null;
  let failures = 0;
  let pausedWhileHidden = false;

  // Building blocks. Only `html`, sanitised by the server, goes in as markup; all else is text.

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // The template slices the ISO strings the same way, so both print identical times.
  const day = (iso) => iso.slice(0, 10);
  const clock = (iso) => iso.slice(11, 16) + " UTC";
  const capfirst = (text) => text.charAt(0).toUpperCase() + text.slice(1);

  function time(iso, text) {
    const node = el("time", "", text);
    node.dateTime = iso;
    return node;
  }

  function ago(iso) {
    const node = el("span", "ago");
    node.dataset.ago = iso;
    return node;
  }

  const badge = (status, label) => el("span", "badge badge--" + status, label);

  // The parts of the page.

  function fact(label, iso, withAgo) {
    const value = el("dd");
    value.append(time(iso, day(iso) + " " + clock(iso)));
    if (withAgo) value.append(ago(iso));
    const node = el("div", "fact");
    node.append(el("dt", "", label), value);
    return node;
  }

  function head(data) {
    const node = el("header", "incident-head");
    node.dataset.live = "head";
    const tags = el("p", "incident-tags");
    tags.append(
      badge(data.status, data.status_label),
      el("span", "severity severity--" + data.severity_label, capfirst(data.severity_label) + " impact"),
    );
    node.append(tags, el("h1", "incident-title", data.title));
    if (data.summary) node.append(el("p", "incident-summary", data.summary));
    if (data.live_stream_url) {
      const link = el("a", "live-link", "Watch the war room live");
      link.href = data.live_stream_url;
      link.rel = "noopener";
      const live = el("p", "incident-live");
      live.append(link);
      node.append(live);
    }
    const facts = el("dl", "facts");
    facts.append(fact("Started", data.started_at));
    if (data.resolved_at) facts.append(fact("Resolved", data.resolved_at));
    facts.append(fact("Last updated", data.updated_at, true));
    node.append(facts);
    return node;
  }

  function entry(item, startDay) {
    const state = item.hypothesis_state || item.status;
    const node = el("li", "entry entry--" + item.kind + (state ? " entry--" + state : ""));
    node.id = "entry-" + item.id;

    const at = time(item.occurred_at);
    // The date is shown only for entries on another day than the incident's start.
    if (day(item.occurred_at) !== startDay) at.append(el("span", "entry-date", day(item.occurred_at)), " ");
    at.append(clock(item.occurred_at));
    const when = el("p", "entry-when");
    when.append(at, ago(item.occurred_at));

    const labels = el("p", "entry-labels");
    labels.append(el("span", "entry-kind", item.kind_label));
    if (item.status_label) labels.append(badge(item.status, item.status_label));
    if (item.hypothesis_label) {
      labels.append(el("span", "tag tag--" + item.hypothesis_state, item.hypothesis_label));
    }
    const body = el("div", "entry-body");
    body.innerHTML = item.html; // sanitised by warroom.lib.markdown on the server

    const main = el("div", "entry-main");
    main.append(labels, body);
    node.append(when, main);
    return node;
  }

  function impact(data) {
    const { segments, components, affected_customers: customers, changes } = data.impact;
    const node = el("section", "impact");
    node.dataset.live = "impact";
    node.setAttribute("aria-labelledby", "impact-title");
    node.hidden = !segments.length && !components.length;
    const title = el("h2", "section-title", "Who is affected");
    title.id = "impact-title";
    node.append(title);
    if (segments.length) {
      const list = el("ul", "impact-segments");
      for (const s of segments) list.append(el("li", "impact-segment level--" + s.level, s.sentence));
      node.append(list);
    }
    if (components.length) {
      const list = el("ul", "impact-components");
      for (const c of components) {
        const item = el("li", "impact-component");
        item.append(el("span", "impact-name", c.name), el("span", "level level--" + c.level, c.level_label));
        list.append(item);
      }
      node.append(list);
    }
    if (customers) {
      const text = customers + " customer" + (customers === 1 ? "" : "s") + " known to be affected.";
      node.append(el("p", "impact-customers", text));
    }
    if (changes.length) {
      const details = el("details", "impact-changes");
      const list = el("ol");
      for (const ch of changes) {
        const when = day(ch.at) !== day(data.started_at) ? day(ch.at) + " " + clock(ch.at) : clock(ch.at);
        const item = el("li");
        item.append(time(ch.at, when), " " + ch.name + ": " + ch.level_label.toLowerCase());
        list.append(item);
      }
      details.append(el("summary", "", "How the impact changed"), list);
      node.append(details);
    }
    return node;
  }

  function postmortem(data) {
    const published = data.postmortem;
    const node = el("section", "postmortem");
    node.dataset.live = "postmortem";
    node.setAttribute("aria-labelledby", "postmortem-title");
    node.hidden = !published;
    const title = el("h2", "section-title", "Post-mortem");
    title.id = "postmortem-title";
    node.append(title);
    if (published) {
      const at = published.published_at;
      const meta = el("p", "postmortem-meta", "Published ");
      meta.append(time(at, day(at) + " " + clock(at)));
      const body = el("div", "entry-body postmortem-body");
      body.innerHTML = published.html; // sanitised by warroom.lib.markdown on the server
      node.append(meta, body);
    }
    return node;
  }

  function timeline(data) {
    const node = el("ol", "timeline");
    node.dataset.live = "timeline";
    for (const item of data.entries.slice(0, pageSize)) node.append(entry(item, day(data.started_at)));
    if (!data.entries.length) node.append(el("li", "entry entry--empty", "No public updates yet."));
    return node;
  }

  function render(data) {
    document.title = data.title + " · " + data.status_label;
    root.querySelector('[data-live="head"]').replaceWith(head(data));
    root.querySelector('[data-live="impact"]').replaceWith(impact(data));
    root.querySelector('[data-live="postmortem"]').replaceWith(postmortem(data));
    root.querySelector('[data-live="timeline"]').replaceWith(timeline(data));
  }

  function refreshAgo() {
    const now = Date.now();
    for (const node of document.querySelectorAll("[data-ago]")) {
      const minutes = Math.round((now - Date.parse(node.dataset.ago)) / 60000);
      const hours = Math.round(minutes / 60);
      const days = Math.round(hours / 24);
      node.textContent =
        minutes < 1 ? "just now"
        : minutes < 60 ? minutes + " min ago"
        : hours < 24 ? hours + (hours === 1 ? " hour ago" : " hours ago")
        : days + (days === 1 ? " day ago" : " days ago");
    }
  }

  function showState(state) {
    if (indicator.dataset.state === state) return; // role=status: speak only on a change
    indicator.dataset.state = state;
    indicator.querySelector(".live-text").textContent =
      state === "live" ? "This page updates itself" : "Reconnecting…";
    indicator.hidden = false;
  }

  // Polling.

  async function poll() {
    let delay = pollSeconds;
    const abort = new AbortController();
    const timeout = setTimeout(() => abort.abort(), REQUEST_TIMEOUT_SECONDS * 1000);
    try {
      const response = await fetch(url, {
        cache: "no-cache",
        headers: { Accept: "application/json" },
        signal: abort.signal,
      });
      if (!response.ok) throw new Error("live.json answered " + response.status);
      const body = await response.text();
      if (body !== lastBody) {
        const data = JSON.parse(body);
        render(data);
        lastBody = body;
        pollSeconds = data.poll_seconds || pollSeconds;
        delay = pollSeconds;
      }
      failures = 0;
      showState("live");
    } catch {
      failures += 1;
      // Double the wait on each failure, capped, with jitter so that many readers coming back
      // from the same outage do not all return in the same second.
      delay = Math.min(pollSeconds * 2 ** failures, MAX_RETRY_SECONDS) * (0.75 + Math.random() / 2);
      showState("reconnecting");
    } finally {
      clearTimeout(timeout);
    }
    refreshAgo();
    setTimeout(tick, delay * 1000);
  }

  // A hidden tab stops polling and catches up as soon as it is shown again.
  function tick() {
    if (document.hidden) pausedWhileHidden = true;
    else poll();
  }

  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && pausedWhileHidden) {
      pausedWhileHidden = false;
      poll();
    }
  });

  showState("live");
  refreshAgo();
  setInterval(refreshAgo, 30000);
  setTimeout(tick, pollSeconds * 1000);
})();
