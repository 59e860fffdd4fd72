#ifndef C_OPENSSL_SHIM_H
#define C_OPENSSL_SHIM_H

#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>

// OpenSSL defines the following as function-like macros (or as constants built with casts), which Swift
// cannot import. Each `static inline` wrapper below forwards to the macro unchanged, so Swift can call it.
// Keep them one-liners: there is no logic here, only spelling.

// MARK: - BIO

/// `BIO_set_mem_eof_return`: what `BIO_read` on an empty memory BIO returns (-1 means "retry later").
static inline long COpenSSL_BIO_set_mem_eof_return(BIO *bio, int value) {
    return BIO_set_mem_eof_return(bio, value);
}

/// `BIO_get_mem_data`: a pointer to a memory BIO's readable bytes; returns how many there are.
static inline long COpenSSL_BIO_get_mem_data(BIO *bio, char **data) {
    return BIO_get_mem_data(bio, data);
}

// MARK: - SSL_CTX

/// `SSL_CTX_set_min_proto_version`: the lowest protocol version the context negotiates.
static inline int COpenSSL_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}

/// `SSL_CTX_set_max_proto_version`: the highest protocol version the context negotiates (0 = highest known).
static inline int COpenSSL_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_max_proto_version(ctx, version);
}

/// `SSL_CTX_set_mode`: adds mode bits; returns the new mode.
static inline long COpenSSL_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_mode(ctx, mode);
}

/// `SSL_CTX_set_session_cache_mode`: sets the session cache mode; returns the previous one.
static inline long COpenSSL_SSL_CTX_set_session_cache_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_session_cache_mode(ctx, mode);
}

/// `SSL_CTX_add1_chain_cert`: appends an intermediate certificate to the context's chain (takes a reference).
static inline int COpenSSL_SSL_CTX_add1_chain_cert(SSL_CTX *ctx, X509 *x509) {
    return (int)SSL_CTX_add1_chain_cert(ctx, x509);
}

// MARK: - SSL

/// `SSL_set_tlsext_host_name`: the SNI host name a client sends in its ClientHello.
static inline int COpenSSL_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

// MARK: - Constants built with casts

/// `SSL_OP_ALL`: the bug work-arounds OpenSSL recommends enabling.
static inline uint64_t COpenSSL_SSL_OP_ALL(void) { return (uint64_t)SSL_OP_ALL; }

/// `SSL_OP_NO_COMPRESSION`: disables TLS compression (CRIME).
static inline uint64_t COpenSSL_SSL_OP_NO_COMPRESSION(void) { return (uint64_t)SSL_OP_NO_COMPRESSION; }

/// `SSL_OP_NO_RENEGOTIATION`: refuses TLS 1.2 renegotiation in both directions.
static inline uint64_t COpenSSL_SSL_OP_NO_RENEGOTIATION(void) { return (uint64_t)SSL_OP_NO_RENEGOTIATION; }

/// `SSL_OP_CIPHER_SERVER_PREFERENCE`: the server's cipher order wins.
static inline uint64_t COpenSSL_SSL_OP_CIPHER_SERVER_PREFERENCE(void) {
    return (uint64_t)SSL_OP_CIPHER_SERVER_PREFERENCE;
}

/// `SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS`.
static inline long COpenSSL_SSL_MODE_DEFAULTS(void) {
    return (long)(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
}

/// `SSL_SESS_CACHE_OFF`: no server-side session cache.
static inline long COpenSSL_SSL_SESS_CACHE_OFF(void) { return (long)SSL_SESS_CACHE_OFF; }

#endif
