/* Maps of the directory, with Leaflet (served by django-leaflet, no CDN).
 *
 * [data-directory-map]: the actors of the current filters, loaded from the
 *   GeoJSON endpoint (data-geojson-url). The page lists the same actors below
 *   the map, so the map is an extra: without JavaScript it stays hidden.
 * [data-actor-map]: one actor's location on its fiche (data-lat, data-lng).
 * Tiles: data-tiles-url and data-tiles-attribution (settings.MAP_TILES_*).
 */
(function () {
  "use strict";

  if (typeof window.L === "undefined") {
    return;
  }
  var L = window.L;
  // Above this many markers, draw circles on a canvas: thousands of
  // focusable marker images would make the page slow to use.
  var MAX_MARKERS = 500;
  var FRANCE = [46.6, 2.4];

  function addTiles(map, element) {
    if (element.dataset.tilesUrl) {
      L.tileLayer(element.dataset.tilesUrl, {
        attribution: element.dataset.tilesAttribution || "",
        maxZoom: 18,
      }).addTo(map);
    }
  }

  function popupContent(properties) {
    var box = document.createElement("div");
    box.className = "map-popup";
    var link = document.createElement("a");
    link.className = "map-popup__title";
    link.href = properties.url;
    link.textContent = properties.name;
    box.appendChild(link);
    var details = [properties.kind_label, properties.city].filter(Boolean).join(" – ");
    if (details) {
      var meta = document.createElement("p");
      meta.className = "map-popup__meta";
      meta.textContent = details;
      box.appendChild(meta);
    }
    return box;
  }

  function showError(element) {
    var status = document.getElementById("carte-etat");
    if (status && element.dataset.errorMessage) {
      status.textContent = element.dataset.errorMessage;
    }
  }

  function directoryMap(element) {
    element.hidden = false;
    var map = L.map(element, { scrollWheelZoom: false }).setView(FRANCE, 5);
    addTiles(map, element);
    fetch(element.dataset.geojsonUrl, { headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        var many = data.features.length > MAX_MARKERS;
        var renderer = many ? L.canvas({ padding: 0.5 }) : null;
        var layer = L.geoJSON(data, {
          pointToLayer: function (feature, latlng) {
            if (many) {
              return L.circleMarker(latlng, {
                renderer: renderer,
                radius: 6,
                color: "#073f37",
                weight: 1,
                fillColor: "#0b5a4e",
                fillOpacity: 0.8,
              });
            }
            return L.marker(latlng, {
              title: feature.properties.name,
              alt: feature.properties.name,
              keyboard: true,
            });
          },
          onEachFeature: function (feature, marker) {
            marker.bindPopup(function () {
              return popupContent(feature.properties);
            });
          },
        });
        layer.addTo(map);
        if (data.features.length) {
          map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 12 });
        }
      })
      .catch(function () {
        showError(element);
      });
  }

  function actorMap(element) {
    var lat = parseFloat(element.dataset.lat);
    var lng = parseFloat(element.dataset.lng);
    if (isNaN(lat) || isNaN(lng)) {
      return;
    }
    element.hidden = false;
    var map = L.map(element, { scrollWheelZoom: false }).setView([lat, lng], 13);
    addTiles(map, element);
    L.marker([lat, lng], {
      title: element.dataset.title,
      alt: element.dataset.title,
      keyboard: false,
    }).addTo(map);
  }

  document.querySelectorAll("[data-directory-map]").forEach(directoryMap);
  document.querySelectorAll("[data-actor-map]").forEach(actorMap);
})();
