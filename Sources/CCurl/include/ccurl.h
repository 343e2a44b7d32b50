#ifndef CCURL_H
#define CCURL_H

/*
 * Typed, non-variadic wrappers over libcurl's variadic entry points.
 * Swift cannot call C variadic functions such as curl_easy_setopt, so each
 * argument type libcurl accepts gets its own wrapper here. Nothing else lives
 * in this module.
 */

#include <curl/curl.h>

/* Initialises libcurl once for the process; safe to call repeatedly. */
CURLcode ccurl_global_init(void);

CURLcode ccurl_easy_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode ccurl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
/* libcurl copies string arguments (since 7.17), so the caller may free them after the call. */
CURLcode ccurl_easy_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode ccurl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value);
/* libcurl does NOT copy lists: the list must outlive every transfer that uses it. */
CURLcode ccurl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);

CURLcode ccurl_easy_setopt_read_function(CURL *handle, curl_read_callback callback);
CURLcode ccurl_easy_setopt_write_function(CURL *handle, curl_write_callback callback);
CURLcode ccurl_easy_setopt_debug_function(CURL *handle, curl_debug_callback callback);

/*
 * Makes transfers on `handle` abortable: a transfer-info callback (called at least once a second,
 * also while the peer is silent) ends the transfer with CURLE_ABORTED_BY_CALLBACK once *flag is
 * non-zero. The flag must outlive the handle; set it with ccurl_abort_flag_raise from any thread.
 */
CURLcode ccurl_easy_set_abort_flag(CURL *handle, int *flag);
void ccurl_abort_flag_raise(int *flag);
int ccurl_abort_flag_is_raised(int *flag);

CURLcode ccurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
/* CURLINFO_ACTIVESOCKET: the socket of a CURLOPT_CONNECT_ONLY connection, for curl_easy_send/recv. */
CURLcode ccurl_easy_getinfo_socket(CURL *handle, curl_socket_t *socket);

CURLMcode ccurl_multi_setopt_long(CURLM *handle, CURLMoption option, long value);

#endif
