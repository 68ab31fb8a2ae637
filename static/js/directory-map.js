/* Maps of the directory, with Leaflet (served by django-leaflet) and
 * Leaflet.markercluster (static/vendor/leaflet.markercluster/): no CDN.
 *
 * [data-directory-map]: the actors of the current filters, loaded from the
 *   GeoJSON endpoint (data-geojson-url), grouped in clusters; the actors of
 *   one place (several fiches at one address or town centre) spread around it
 *   when their cluster is opened. The page lists the same actors below the
 *   map, so the map is an extra: without JavaScript it stays hidden.
 * [data-actor-map]: one actor's location on its fiche (data-lat, data-lng).
 * Tiles: data-tiles-url and data-tiles-attribution (settings.MAP_TILES_*).
 *   When no tile can be loaded (tile server unreachable or blocked), the
 *   directory map keeps its markers on a plain background and says so
 *   (data-tiles-error-message); the fiche's map, which would show a lone
 *   marker on nothing, is hidden and its caption stays.
 */
(function () {
  "use strict";

  if (typeof window.L === "undefined") {
    return;
  }
  var L = window.L;
  // Without the cluster plugin: above this many markers, draw circles on a
  // canvas, as thousands of focusable marker images would make the page slow.
  var MAX_MARKERS = 500;
  var MAX_ZOOM = 18;
  // Tiles neither loaded nor failed after this long: treat them as missing.
  var TILES_TIMEOUT_MS = 8000;
  var FRANCE = [46.6, 2.4];
  var REDUCED_MOTION =
    typeof window.matchMedia === "function" &&
    window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  /* The tile layer; `onMissing()` runs once if no tile loads at all (every
   * tile of the first view failed, or none arrived in time). */
  function addTiles(map, element, onMissing) {
    if (!element.dataset.tilesUrl) {
      onMissing(false);
      return;
    }
    var layer = L.tileLayer(element.dataset.tilesUrl, {
      attribution: element.dataset.tilesAttribution || "",
      maxZoom: MAX_ZOOM,
    });
    var loaded = 0;
    var failed = 0;
    var decided = false;

    function giveUp() {
      if (decided) {
        return;
      }
      decided = true;
      window.clearTimeout(timer);
      map.removeLayer(layer);
      onMissing(true);
    }

    var timer = window.setTimeout(function () {
      if (!loaded) {
        giveUp();
      }
    }, TILES_TIMEOUT_MS);
    layer.on("tileload", function () {
      loaded += 1;
      if (!decided) {
        decided = true;
        window.clearTimeout(timer);
      }
    });
    layer.on("tileerror", function () {
      failed += 1;
    });
    // "load": every tile of the view is done, loaded or failed.
    layer.on("load", function () {
      if (!loaded && failed) {
        giveUp();
      }
    });
    layer.addTo(map);
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

  function showStatus(message, kind) {
    var status = document.getElementById("carte-etat");
    if (status && message) {
      status.textContent = message;
      status.classList.toggle("directory-map__status--info", kind === "info");
    }
  }

  function clusterIcon(element) {
    var template = element.dataset.clusterLabel || "{count}";
    return function (cluster) {
      var count = cluster.getChildCount();
      var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
      var number = document.createElement("span");
      number.className = "map-cluster__count";
      number.setAttribute("aria-hidden", "true");
      number.textContent = String(count);
      var label = document.createElement("span");
      label.className = "sr-only";
      label.textContent = template.replace("{count}", String(count));
      var html = document.createElement("span");
      html.appendChild(number);
      html.appendChild(label);
      return L.divIcon({
        html: html.innerHTML,
        className: "map-cluster map-cluster--" + size,
        iconSize: L.point(44, 44),
      });
    };
  }

  function markerFor(feature, latlng) {
    return L.marker(latlng, {
      title: feature.properties.name,
      alt: feature.properties.name,
      keyboard: true,
    }).bindPopup(function () {
      return popupContent(feature.properties);
    });
  }

  /* The clusters, on `map`: `onPlaced()` runs once every marker is placed
   * (markers are added in chunks, so that thousands keep the page responsive). */
  function addClusters(map, element, features, onPlaced) {
    var group = L.markerClusterGroup({
      animate: !REDUCED_MOTION,
      chunkedLoading: true,
      chunkProgress: function (processed, total) {
        if (processed === total) {
          onPlaced();
        }
      },
      showCoverageOnHover: false,
      spiderfyOnMaxZoom: true,
      zoomToBoundsOnClick: true,
      maxClusterRadius: 60,
      spiderfyDistanceMultiplier: 1.6,
      spiderLegPolylineOptions: { weight: 2, color: "#073f37", opacity: 0.7 },
      iconCreateFunction: clusterIcon(element),
    }).addTo(map);
    // A spread point may reach past the map's edge (a phone screen): bring it
    // into view, without zooming, which would fold it again.
    group.on("spiderfied", function (event) {
      var spread = L.latLngBounds(
        event.markers.map(function (marker) {
          return marker.getLatLng();
        })
      );
      if (!map.getBounds().contains(spread)) {
        map.panTo(spread.getCenter(), { animate: !REDUCED_MOTION });
      }
    });
    group.addLayers(
      features.map(function (feature) {
        var coordinates = feature.geometry.coordinates;
        return markerFor(feature, L.latLng(coordinates[1], coordinates[0]));
      })
    );
    if (!features.length) {
      onPlaced();
    }
  }

  function plainLayer(data) {
    var many = data.features.length > MAX_MARKERS;
    var renderer = many ? L.canvas({ padding: 0.5 }) : null;
    return L.geoJSON(data, {
      pointToLayer: function (feature, latlng) {
        if (!many) {
          return markerFor(feature, latlng);
        }
        return L.circleMarker(latlng, {
          renderer: renderer,
          radius: 6,
          color: "#073f37",
          weight: 1,
          fillColor: "#0b5a4e",
          fillOpacity: 0.8,
        }).bindPopup(function () {
          return popupContent(feature.properties);
        });
      },
    });
  }

  function mapOptions() {
    return {
      scrollWheelZoom: false,
      maxZoom: MAX_ZOOM,
      zoomAnimation: !REDUCED_MOTION,
      fadeAnimation: !REDUCED_MOTION,
      markerZoomAnimation: !REDUCED_MOTION,
    };
  }

  function boundsOf(features) {
    return L.latLngBounds(
      features.map(function (feature) {
        var coordinates = feature.geometry.coordinates;
        return [coordinates[1], coordinates[0]];
      })
    );
  }

  /* The features, from the GeoJSON endpoint or from the `data:` URL in which
   * the agenda gives its page's events (percent-encoded, events/views.py):
   * that one is decoded here, as the Content-Security-Policy (connect-src
   * 'self', home/csp.py) refuses to fetch a data: URL. */
  function loadGeoJSON(url) {
    var comma = url.indexOf(",");
    if (url.lastIndexOf("data:", 0) === 0 && comma > 0) {
      return new Promise(function (resolve) {
        resolve(JSON.parse(decodeURIComponent(url.slice(comma + 1))));
      });
    }
    return fetch(url, { headers: { Accept: "application/geo+json" } }).then(function (response) {
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      return response.json();
    });
  }

  function directoryMap(element) {
    element.hidden = false;
    // Busy until the actors are placed (assistive technologies wait for it).
    element.setAttribute("aria-busy", "true");
    function placed() {
      element.removeAttribute("aria-busy");
    }
    var map = L.map(element, mapOptions()).setView(FRANCE, 5);
    addTiles(map, element, function (failed) {
      element.classList.add("directory-map--no-tiles");
      if (failed) {
        showStatus(element.dataset.tilesErrorMessage, "info");
      }
    });
    loadGeoJSON(element.dataset.geojsonUrl)
      .then(function (data) {
        // The final view first, then the markers: clustered once, at once.
        if (data.features.length) {
          map.fitBounds(boundsOf(data.features), {
            padding: [24, 24],
            maxZoom: 12,
            animate: false,
          });
        }
        if (typeof L.markerClusterGroup === "function") {
          addClusters(map, element, data.features, placed);
        } else {
          plainLayer(data).addTo(map);
          placed();
        }
      })
      .catch(function () {
        showStatus(element.dataset.errorMessage, "error");
        placed();
      });
  }

  function actorMap(element) {
    var lat = parseFloat(element.dataset.lat);
    var lng = parseFloat(element.dataset.lng);
    if (isNaN(lat) || isNaN(lng)) {
      return;
    }
    element.hidden = false;
    var map = L.map(element, mapOptions()).setView([lat, lng], 13);
    addTiles(map, element, function () {
      element.hidden = true;
    });
    L.marker([lat, lng], {
      title: element.dataset.title,
      alt: element.dataset.title,
      keyboard: false,
    }).addTo(map);
  }

  document.querySelectorAll("[data-directory-map]").forEach(directoryMap);
  document.querySelectorAll("[data-actor-map]").forEach(actorMap);
})();
