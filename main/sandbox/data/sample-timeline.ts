/**
 * The sample response of Zoho's "Timeline of a Record" doc (/work/shared/zoho/timeline-api.md), extracted
 * verbatim as JSON. Record Leads/554023000001122039 serves it. (A .ts module rather than a .json file so it
 * bundles with the app and type-checks under the composite tsconfig.) Do not edit by hand.
 */
export const SAMPLE_TIMELINE_RESPONSE: { __timeline: unknown[]; info: Record<string, unknown> } = {
  "__timeline": [
    {
      "done_by": {
        "profile": {
          "name": "Administrator",
          "id": "554023000000015972"
        },
        "name": "Patricia Boyle",
        "id": "554023000000235011",
        "type__s": "regular user"
      },
      "related_record": null,
      "automation_details": null,
      "record": {
        "module": {
          "api_name": "Leads",
          "id": "554023000000000125"
        },
        "name": "Patricia Boyle",
        "id": "554023000001122039"
      },
      "audited_time": "2023-06-07T19:32:21-11:00",
      "action": "tag_added",
      "id": "554023000003097009",
      "source": "mass_update",
      "field_history": [
        {
          "api_name": "Tag",
          "field_label": "Tag",
          "enable_colour_code": false,
          "data_type": "text",
          "_value": {
            "new": "Prime",
            "old": "blank"
          },
          "id": "554023000000138025",
          "pick_list_values": []
        }
      ]
    },
    {
      "done_by": {
        "profile": {
          "name": "Administrator",
          "id": "554023000000015972"
        },
        "name": "Patricia Boyle",
        "id": "554023000000235011",
        "type__s": "regular user"
      },
      "related_record": null,
      "automation_details": null,
      "record": {
        "module": {
          "api_name": "Leads",
          "id": "554023000000000125"
        },
        "name": "Patricia Boyle",
        "id": "554023000001122039"
      },
      "audited_time": "2023-06-07T18:58:36-11:00",
      "action": "updated",
      "id": "554023000003097006",
      "source": "crm_ui",
      "field_history": [
        {
          "api_name": "Phone",
          "field_label": "Phone",
          "enable_colour_code": false,
          "data_type": "phone",
          "_value": {
            "new": "1234567",
            "old": null
          },
          "id": "554023000000000565",
          "pick_list_values": []
        }
      ]
    },
    {
      "done_by": {
        "profile": {
          "name": "Administrator",
          "id": "554023000000015972"
        },
        "name": "Patricia Boyle",
        "id": "554023000000235011",
        "type__s": "regular user"
      },
      "related_record": null,
      "automation_details": null,
      "record": {
        "module": {
          "api_name": "Leads",
          "id": "554023000000000125"
        },
        "name": "Patricia Boyle",
        "id": "554023000001122039"
      },
      "audited_time": "2023-06-07T18:17:54-11:00",
      "action": "updated",
      "id": "554023000003095054",
      "source": "crm_ui",
      "field_history": [
        {
          "api_name": "Last_Name",
          "field_label": "Last Name",
          "enable_colour_code": false,
          "data_type": "text",
          "_value": {
            "new": "Boyle",
            "old": "Smith"
          },
          "id": "554023000000000559",
          "pick_list_values": []
        },
        {
          "api_name": "First_Name",
          "field_label": "First Name",
          "enable_colour_code": false,
          "data_type": "text",
          "_value": {
            "new": "Patricia",
            "old": null
          },
          "id": "554023000000000557",
          "pick_list_values": []
        },
        {
          "api_name": "Full_Name",
          "field_label": "Full Name",
          "enable_colour_code": false,
          "data_type": "text",
          "_value": {
            "new": "Patricia Boyle",
            "old": "Smith"
          },
          "id": "554023000000000597",
          "pick_list_values": []
        }
      ]
    },
    {
      "done_by": {
        "profile": {
          "name": "Administrator",
          "id": "554023000000015972"
        },
        "name": "Patricia Boyle",
        "id": "554023000000235011",
        "type__s": "regular user"
      },
      "related_record": null,
      "automation_details": null,
      "record": {
        "module": {
          "api_name": "Leads",
          "id": "554023000000000125"
        },
        "name": " Smith",
        "id": "554023000001122039"
      },
      "audited_time": "2023-06-07T18:17:19-11:00",
      "action": "updated",
      "id": "554023000003095048",
      "source": "crm_ui",
      "field_history": [
        {
          "api_name": "Company",
          "field_label": "Company",
          "enable_colour_code": false,
          "data_type": "text",
          "_value": {
            "new": "ABC",
            "old": "Zylker"
          },
          "id": "554023000000000555",
          "pick_list_values": []
        }
      ]
    },
    {
      "done_by": {
        "profile": {
          "name": "Administrator",
          "id": "554023000000015972"
        },
        "name": "Patricia Boyle",
        "id": "554023000000235011",
        "type__s": "regular user"
      },
      "related_record": null,
      "automation_details": null,
      "record": {
        "module": {
          "api_name": "Leads",
          "id": "554023000000000125"
        },
        "name": " Smith",
        "id": "554023000001122039"
      },
      "audited_time": "2023-06-07T18:12:11-11:00",
      "action": "updated",
      "id": "554023000003095038",
      "source": "crm_api",
      "field_history": [
        {
          "api_name": "Lead_Source",
          "field_label": "Lead Source",
          "enable_colour_code": false,
          "data_type": "picklist",
          "_value": {
            "new": "Cold Call",
            "old": "Employee Referral"
          },
          "id": "554023000000000573",
          "pick_list_values": [
            {
              "display_value": "-None-",
              "sequence_number": 1,
              "colour_code": null,
              "actual_value": "-None-",
              "id": "554023000000002313",
              "type": "used"
            },
            {
              "display_value": "Advertisement",
              "sequence_number": 2,
              "colour_code": null,
              "actual_value": "Advertisement",
              "id": "554023000000002315",
              "type": "used"
            },
            {
              "display_value": "Chat",
              "sequence_number": 28,
              "colour_code": null,
              "actual_value": "Chat",
              "id": "554023000000040001",
              "type": "used"
            },
            {
              "display_value": "Cold Call",
              "sequence_number": 6,
              "colour_code": null,
              "actual_value": "Cold Call",
              "id": "554023000000002317",
              "type": "used"
            },
            {
              "display_value": "Employee Referral",
              "sequence_number": 8,
              "colour_code": null,
              "actual_value": "Employee Referral",
              "id": "554023000000002319",
              "type": "used"
            },
            {
              "display_value": "External Referral",
              "sequence_number": 9,
              "colour_code": null,
              "actual_value": "External Referral",
              "id": "554023000000002321",
              "type": "used"
            },
            {
              "display_value": "Facebook",
              "sequence_number": 15,
              "colour_code": null,
              "actual_value": "Facebook",
              "id": "554023000001157033",
              "type": "used"
            },
            {
              "display_value": "Internal Seminar",
              "sequence_number": 22,
              "colour_code": null,
              "actual_value": "Seminar-Internal",
              "id": "554023000000172093",
              "type": "used"
            },
            {
              "display_value": "Online Store",
              "sequence_number": 14,
              "colour_code": null,
              "actual_value": "OnlineStore",
              "id": "554023000000172095",
              "type": "used"
            },
            {
              "display_value": "Partner",
              "sequence_number": 18,
              "colour_code": null,
              "actual_value": "Partner",
              "id": "554023000000002323",
              "type": "used"
            },
            {
              "display_value": "Public Relations",
              "sequence_number": 19,
              "colour_code": null,
              "actual_value": "Public Relations",
              "id": "554023000000002325",
              "type": "used"
            },
            {
              "display_value": "Sales Email Alias",
              "sequence_number": 20,
              "colour_code": null,
              "actual_value": "Sales Mail Alias",
              "id": "554023000000172089",
              "type": "used"
            },
            {
              "display_value": "Seminar Partner",
              "sequence_number": 21,
              "colour_code": null,
              "actual_value": "Seminar Partner",
              "id": "554023000000172091",
              "type": "used"
            },
            {
              "display_value": "Trade Show",
              "sequence_number": 25,
              "colour_code": null,
              "actual_value": "Trade Show",
              "id": "554023000000002327",
              "type": "used"
            },
            {
              "display_value": "Twitter",
              "sequence_number": 16,
              "colour_code": null,
              "actual_value": "Twitter",
              "id": "554023000001157037",
              "type": "used"
            },
            {
              "display_value": "Web Download",
              "sequence_number": 26,
              "colour_code": null,
              "actual_value": "Web Download",
              "id": "554023000000172085",
              "type": "used"
            },
            {
              "display_value": "Web Research",
              "sequence_number": 27,
              "colour_code": null,
              "actual_value": "Web Research",
              "id": "554023000000172087",
              "type": "used"
            }
          ]
        }
      ]
    },
    {
      "done_by": {
        "profile": {
          "name": "Administrator",
          "id": "554023000000015972"
        },
        "name": "Patricia Boyle",
        "id": "554023000000235011",
        "type__s": "regular user"
      },
      "related_record": {
        "module": {
          "api_name": "Leads",
          "id": "554023000000000125"
        },
        "name": "Smith",
        "id": "554023000001122039"
      },
      "automation_details": null,
      "record": {
        "module": {
          "api_name": "Tasks",
          "id": "554023000000000143"
        },
        "name": "test task",
        "id": "554023000003095019"
      },
      "audited_time": "2023-06-07T18:10:47-11:00",
      "action": "added",
      "id": "554023000003095029",
      "source": "crm_ui",
      "field_history": null
    },
    {
      "done_by": {
        "profile": {
          "name": "Administrator",
          "id": "554023000000015972"
        },
        "name": "Patricia Boyle",
        "id": "554023000000235011",
        "type__s": "regular user"
      },
      "related_record": {
        "module": {
          "api_name": "Leads",
          "id": "554023000000000125"
        },
        "name": "Smith",
        "id": "554023000001122039"
      },
      "automation_details": null,
      "record": {
        "module": {
          "api_name": "Notes",
          "id": "554023000000000147"
        },
        "name": "This is a test note",
        "id": "554023000003096003"
      },
      "audited_time": "2023-06-07T18:10:29-11:00",
      "action": "added",
      "id": "554023000003096001",
      "source": "crm_ui",
      "field_history": null
    },
    {
      "done_by": {
        "profile": {
          "name": "Administrator",
          "id": "554023000000015972"
        },
        "name": "Patricia Boyle",
        "id": "554023000000235011",
        "type__s": "regular user"
      },
      "related_record": null,
      "automation_details": null,
      "record": {
        "module": {
          "api_name": "Leads",
          "id": "554023000000000125"
        },
        "name": " Smith",
        "id": "554023000001122039"
      },
      "audited_time": "2023-06-07T18:09:49-11:00",
      "action": "updated",
      "id": "554023000003095017",
      "source": "crm_ui",
      "field_history": [
        {
          "api_name": "Lead_Source",
          "field_label": "Lead Source",
          "enable_colour_code": false,
          "data_type": "picklist",
          "_value": {
            "new": "Employee Referral",
            "old": null
          },
          "id": "554023000000000573",
          "pick_list_values": [
            {
              "display_value": "-None-",
              "sequence_number": 1,
              "colour_code": null,
              "actual_value": "-None-",
              "id": "554023000000002313",
              "type": "used"
            },
            {
              "display_value": "Advertisement",
              "sequence_number": 2,
              "colour_code": null,
              "actual_value": "Advertisement",
              "id": "554023000000002315",
              "type": "used"
            },
            {
              "display_value": "Chat",
              "sequence_number": 28,
              "colour_code": null,
              "actual_value": "Chat",
              "id": "554023000000040001",
              "type": "used"
            },
            {
              "display_value": "Cold Call",
              "sequence_number": 6,
              "colour_code": null,
              "actual_value": "Cold Call",
              "id": "554023000000002317",
              "type": "used"
            },
            {
              "display_value": "Employee Referral",
              "sequence_number": 8,
              "colour_code": null,
              "actual_value": "Employee Referral",
              "id": "554023000000002319",
              "type": "used"
            },
            {
              "display_value": "External Referral",
              "sequence_number": 9,
              "colour_code": null,
              "actual_value": "External Referral",
              "id": "554023000000002321",
              "type": "used"
            },
            {
              "display_value": "Facebook",
              "sequence_number": 15,
              "colour_code": null,
              "actual_value": "Facebook",
              "id": "554023000001157033",
              "type": "used"
            },
            {
              "display_value": "Internal Seminar",
              "sequence_number": 22,
              "colour_code": null,
              "actual_value": "Seminar-Internal",
              "id": "554023000000172093",
              "type": "used"
            },
            {
              "display_value": "Online Store",
              "sequence_number": 14,
              "colour_code": null,
              "actual_value": "OnlineStore",
              "id": "554023000000172095",
              "type": "used"
            },
            {
              "display_value": "Partner",
              "sequence_number": 18,
              "colour_code": null,
              "actual_value": "Partner",
              "id": "554023000000002323",
              "type": "used"
            },
            {
              "display_value": "Public Relations",
              "sequence_number": 19,
              "colour_code": null,
              "actual_value": "Public Relations",
              "id": "554023000000002325",
              "type": "used"
            },
            {
              "display_value": "Sales Email Alias",
              "sequence_number": 20,
              "colour_code": null,
              "actual_value": "Sales Mail Alias",
              "id": "554023000000172089",
              "type": "used"
            },
            {
              "display_value": "Seminar Partner",
              "sequence_number": 21,
              "colour_code": null,
              "actual_value": "Seminar Partner",
              "id": "554023000000172091",
              "type": "used"
            },
            {
              "display_value": "Trade Show",
              "sequence_number": 25,
              "colour_code": null,
              "actual_value": "Trade Show",
              "id": "554023000000002327",
              "type": "used"
            },
            {
              "display_value": "Twitter",
              "sequence_number": 16,
              "colour_code": null,
              "actual_value": "Twitter",
              "id": "554023000001157037",
              "type": "used"
            },
            {
              "display_value": "Web Download",
              "sequence_number": 26,
              "colour_code": null,
              "actual_value": "Web Download",
              "id": "554023000000172085",
              "type": "used"
            },
            {
              "display_value": "Web Research",
              "sequence_number": 27,
              "colour_code": null,
              "actual_value": "Web Research",
              "id": "554023000000172087",
              "type": "used"
            }
          ]
        }
      ]
    }
  ],
  "info": {
    "per_page": 200,
    "next_page_token": null,
    "count": 10,
    "page": 1,
    "previous_page_token": null,
    "more_records": false
  }
};
