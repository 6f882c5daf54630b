// Location: one fix with its accuracy, and the distance to the place's registered WGS-84 point.
// The server recomputes the distance and sets the flags; here it only warns the inspector on the spot.

const EARTH_RADIUS_M = 6_371_008.8;
export const POOR_ACCURACY_M = 50;

/** Great-circle distance in metres (within a few metres of the server's geodesic over a street's extent). */
export function distanceM(lat1, lng1, lat2, lng2) {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Distance and warnings for a fix at a place ({lat, lng, radius_m}). */
export function assessFix(fix, place, poorAccuracyM = POOR_ACCURACY_M) {
  if (!fix) return { distance: null, far: false, poor: false, none: true };
  const hasPoint = place && place.lat != null && place.lng != null;
  const distance = hasPoint ? distanceM(fix.lat, fix.lng, Number(place.lat), Number(place.lng)) : null;
  const radius = place?.radius_m ?? 100;
  return { distance, far: distance != null && distance > radius, poor: fix.accuracy > poorAccuracyM, none: false, radius };
}

/** One position as the inspection document wants it, or null when there is none (denied, timeout). */
export function currentFix({ timeoutMs = 15_000, maximumAgeMs = 30_000 } = {}) {
  return new Promise((resolve) => {
    if (!globalThis.navigator?.geolocation) return resolve(null);
    navigator.geolocation.getCurrentPosition(
      (position) => resolve({
        lat: position.coords.latitude,
        lng: position.coords.longitude,
        accuracy: position.coords.accuracy,
        captured_at: new Date(position.timestamp || Date.now()).toISOString(),
        mock: false,
      }),
      () => resolve(null),
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: maximumAgeMs },
    );
  });
}
