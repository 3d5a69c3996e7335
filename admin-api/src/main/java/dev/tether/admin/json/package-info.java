/**
 * The admin API's wire format: JSON DTO records, separate from the actor protocol so that the wire
 * format can change without touching it, plus the shared {@link dev.tether.admin.json.JsonSupport}
 * (mapper, marshallers) and the strict readers for request bodies and durations.
 */
package dev.tether.admin.json;
