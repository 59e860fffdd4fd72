#ifndef NACOS_CLIBPQ_SHIM_H
#define NACOS_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
