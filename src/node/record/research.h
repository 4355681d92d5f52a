/*
 * src/node/record/research.h - what a research copy is: section
 * "research", schema carekey-research/1, the sections it carries.
 */
#ifndef CK_NODE_RESEARCH_H
#define CK_NODE_RESEARCH_H

#include "carekey/fhir.h"

#define CK_NODE_RESEARCH_SECTION "research"
#define CK_NODE_RESEARCH_TYPE "Bundle"
#define CK_NODE_RESEARCH_SCHEMA "carekey-research/1"
#define CK_NODE_RESEARCH_N_SECTIONS 9

/* The sections a research copy carries (what the research report shows). */
extern const ck_section ck_node_research_sections[CK_NODE_RESEARCH_N_SECTIONS];

#endif
