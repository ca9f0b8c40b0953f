/* socmap: the interactive network picture (Cytoscape.js). Each element with
   data-network-url gets a picture of the JSON network at that URL; the tables next to it
   carry the same nodes and links for keyboard and screen-reader users. */
(function () {
  "use strict";
  var PALETTE = ["#1d70b8", "#d4351c", "#00703c", "#6f2c91", "#f47738", "#28a197",
                 "#912b88", "#85994b", "#b58840", "#5694ca", "#f499be", "#505a5f"];

  function colour(community) {
    if (!community) { return "#b1b4b6"; }
    return PALETTE[(community - 1) % PALETTE.length];
  }

  function elements(data) {
    var nodes = data.nodes.map(function (n) {
      return { data: {
        id: n.key, label: n.label, kind: n.kind, url: n.url, detail: n.detail,
        owner: n.owner, colour: colour(n.community), size: 22 + 60 * (n.betweenness || 0),
        start: n.key === data.start ? 1 : 0, key: n.key_player_rank ? 1 : 0,
        rank: n.key_player_rank || "", community: n.community || "",
        degree: n.degree === null ? "" : n.degree
      } };
    });
    var links = data.links.map(function (l) {
      return { data: { id: l.key, source: l.source, target: l.target, kind: l.kind, label: l.label } };
    });
    return nodes.concat(links);
  }

  function describe(box, node) {
    var d = node.data();
    var parts = [d.label + " (" + (d.kind === "threat" ? "threat" : "person") + ", " + d.owner + ")", d.detail];
    if (d.community) { parts.push("community " + d.community); }
    if (d.degree !== "") { parts.push(d.degree + " links to other people"); }
    if (d.rank) { parts.push("key player " + d.rank); }
    box.textContent = parts.join("; ") + ".";
    if (d.url) {
      var a = document.createElement("a");
      a.href = d.url;
      a.textContent = " Open the page of " + d.label;
      box.appendChild(a);
    }
  }

  function data(container) {
    // a panel loaded after its page brings its data along; otherwise ask for it
    var embedded = document.getElementById(container.getAttribute("data-network-json") || "");
    if (embedded) {
      return Promise.resolve({ ok: true, body: JSON.parse(embedded.textContent) });
    }
    var url = container.getAttribute("data-network-url");
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      });
  }

  function draw(container) {
    var status = document.getElementById(container.getAttribute("data-status"));
    var details = document.getElementById(container.getAttribute("data-details"));
    data(container)
      .then(function (result) {
        if (!result.ok) {
          var errors = result.body.errors || {};
          var first = Object.keys(errors).map(function (k) { return errors[k].join(" "); }).join(" ");
          status.textContent = first || result.body.detail || "The network could not be drawn.";
          container.hidden = true;
          return;
        }
        var data = result.body;
        status.textContent = data.people + (data.people === 1 ? " person and " : " people and ") +
          data.threats + (data.threats === 1 ? " threat within " : " threats within ") +
          data.steps + (data.steps === 1 ? " step; " : " steps; ") + data.communities +
          (data.communities === 1 ? " community." : " communities.");
        var cy = cytoscape({
          container: container,
          elements: elements(data),
          wheelSensitivity: 0.3,
          style: [
            { selector: "node", style: {
              "background-color": "data(colour)", "label": "data(label)", "font-size": 9,
              "width": "data(size)", "height": "data(size)", "text-wrap": "ellipsis",
              "text-max-width": 110, "color": "#0b0c0c", "text-valign": "bottom",
              "text-margin-y": 3 } },
            { selector: "node[kind = 'threat']", style: { "shape": "round-rectangle", "background-color": "#0b0c0c", "color": "#0b0c0c" } },
            { selector: "node[key = 1]", style: { "border-width": 4, "border-color": "#ffdd00" } },
            { selector: "node[start = 1]", style: { "border-width": 5, "border-color": "#d4351c" } },
            { selector: "edge", style: { "width": 1.5, "line-color": "#8a8d8f", "curve-style": "bezier" } },
            { selector: "edge[kind = 'membership']", style: { "line-style": "dashed", "line-color": "#505a5f" } },
            { selector: "edge[kind = 'co_offending']", style: { "line-color": "#d4351c" } },
            { selector: "edge[kind = 'subject']", style: { "line-style": "dotted" } },
            { selector: ":selected", style: { "border-width": 5, "border-color": "#0b0c0c" } }
          ],
          layout: { name: data.nodes.length > 400 ? "concentric" : "cose", animate: false,
                    randomize: false, nodeRepulsion: 8000, idealEdgeLength: 60,
                    concentric: function (n) { return -n.degree(); }, levelWidth: function () { return 5; } }
        });
        cy.on("tap", "node", function (event) { describe(details, event.target); });
        var png = document.querySelector("[data-network-png='" + container.id + "']");
        if (png) {
          png.hidden = false;
          png.addEventListener("click", function () {
            var link = document.createElement("a");
            link.href = cy.png({ full: true, scale: 2, bg: "#ffffff" });
            link.download = (container.getAttribute("data-name") || "network") + ".png";
            document.body.appendChild(link);
            link.click();
            link.remove();
          });
        }
        var fit = document.querySelector("[data-network-fit='" + container.id + "']");
        if (fit) { fit.hidden = false; fit.addEventListener("click", function () { cy.fit(); }); }
        container.cy = cy;
        container.setAttribute("data-ready", "1");
      })
      .catch(function () { status.textContent = "The network could not be drawn."; });
  }

  // a panel the page loads after itself (a threat's network): put it in place, then draw it
  function load(slot) {
    fetch(slot.getAttribute("data-network-panel"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        slot.innerHTML = html;
        if (typeof cytoscape === "undefined") { return; }
        slot.querySelectorAll("[data-network-url]").forEach(draw);
      })
      .catch(function () {
        var status = slot.querySelector("[role=status]");
        if (status) { status.firstChild.textContent = "The network could not be loaded. "; }
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-network-panel]").forEach(load);
    if (typeof cytoscape === "undefined") { return; }
    document.querySelectorAll("[data-network-url]").forEach(draw);
  });
})();
