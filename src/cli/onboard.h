/*
 * src/cli/onboard.h - the one-step onboarding commands (onboard.c):
 * `carekey patient onboard` (its own group) and `carekey hospital onboard`
 * (in `carekey hospital`'s table).
 */
#ifndef CK_CLI_ONBOARD_H
#define CK_CLI_ONBOARD_H

#include "cli/cli.h"

extern const char cli_patient_onboard_usage[], cli_hospital_onboard_usage[];
int cli_patient_onboard(int argc, char **argv);
int cli_hospital_onboard(int argc, char **argv);

#endif
