package dev.tether.admin.json;

/**
 * {@code POST /tls-profiles/{name}/reload}, 400: nothing changed, the material loaded before stays in
 * use. An error body ({@code error}, {@code message}) with the profile as it is now.
 *
 * @param error {@code reload-failed}
 * @param message what is wrong, naming the configuration key of the file at fault
 * @param profile the profile, still with its old material; its {@code lastReloadError} is this message
 */
public record TlsProfileReloadFailedJson(ErrorCode error, String message, TlsProfileJson profile) {}
