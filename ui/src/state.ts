// The explorer's query, shared so other views can open it on a filter
// (an anomaly's day and service, a recommendation's account).

import type { ExploreQuery, Filter } from "./bindings";

/** Group-by choices (dimension name, label), as the engine lists them. */
export { DIMENSIONS } from "./bindings";

export function defaultQuery(): ExploreQuery {
  return {
    group_by: "service",
    measure: "effective",
    period: "day",
    from: null,
    to: null,
    filters: [],
  };
}

/** Adds a filter, replacing one on the same dimension. */
export function withFilter(query: ExploreQuery, filter: Filter): ExploreQuery {
  return {
    ...query,
    filters: [...query.filters.filter((f) => f.dimension !== filter.dimension), filter],
  };
}

export function withoutFilter(query: ExploreQuery, dimension: string): ExploreQuery {
  return { ...query, filters: query.filters.filter((f) => f.dimension !== dimension) };
}

/** The explorer query for one day of one anomaly's service or account. */
export function anomalyQuery(
  date: string,
  dimension: string,
  value: string,
  nextDay: string,
): ExploreQuery {
  return {
    group_by: dimension === "account" ? "service" : "subaccount",
    measure: "effective",
    period: "day",
    from: date,
    to: nextDay,
    filters: [{ dimension: dimension === "account" ? "subaccount" : "service", value }],
  };
}
