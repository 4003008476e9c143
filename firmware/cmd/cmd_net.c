/* cmd_net.c -- ocop-kiosk sync and upload: both are ocop-kiosk-net's
 * (net_helper.h); this program hands them over whole, arguments, output
 * and exit status. */
#include "commands.h"
#include "log.h"
#include "net_helper.h"

int cmd_net(int argc, char **argv)
{
    char err[4200];
    net_helper_exec(argc, argv, err, sizeof err);
    kiosk_log("%s", err);
    return LABELS_EXIT_FAIL;
}
