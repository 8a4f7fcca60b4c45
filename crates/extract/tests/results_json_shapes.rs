//! The JSON results reader on sections of every odd shape the registry's two APIs (and
//! jsonlite) can give: members stated twice, escaped member names, single objects for lists,
//! one-element arrays for objects, scalars and nested arrays where objects belong, a member
//! name that cannot be read, whitespace of every kind. The snapshot was taken with the reader
//! that parsed each level of the section on its own (before session 10); a faster reader must
//! give the same results, values, lines and findings, message for message.

use trialtables_extract::extract;

const DOC: &str = r#"[
{"protocolSection": {"identificationModule": {"nctId": "NCT00000001"}},
 "resultsSection": {
  "participantFlowModule": {"groups": {"id": "FG000", "title": "One group, not a list"},
   "periods": [{"title": "Overall", "milestones": [{"type": "STARTED", "achievements": [{"groupId": "FG000", "numSubjects": "10"}, 7, null,
      [{"groupId": "FG001", "numSubjects": ["3"]}], [{"a": 1}, {"b": 2}], [], [[{"groupId": "deep"}]]]}],
     "dropWithdraws": "none"}],
   "periods": [{"title": "Stated twice: the last wins", "milestones": [{"type": "COMPLETED", "achievements": {"groupId": "FG000", "numSubjects": 9}}]}]},
  "baselineCharacteristicsModule": [{"groups": [{"id": "BG000", "ti\u0074le": "Escaped name", "description": "a \"quoted\"\nline\\"}],
     "populationDescription": ["jsonlite"], "denoms": [{"units": "Participants", "counts": [{"groupId": "BG000", "value": 12}]}],
     "measures": [{"title": "Age", "classes": [[{"title": "array of one in a list"}], {"categories": [1, 2]}], "denoms": {"bad": true}},
                  {"title": "Sex", "unitOfMeasure": -1.5e3, "classes": [{"categories": [{"measurements": {"groupId": "BG000", "value": "5", "value": "6"}}]}]}]}],
  "outcomeMeasuresModule": {"outcomeMeasures": [{"type": "PRIMARY", "title": "T", "groups": [], "classes": [{"denoms": [{"counts": "x"}]}],
     "analyses": [{"groupIds": ["OG000", "OG001"], "pValue": 0.04}, {"groupIds": "OG000", "pValue": {"x": 1}}, {"groupIds": [["nested"]]}]},
     {"type": ["a", "b"], "title": "second", "analyses": {"groupIds": [["nested"]], "paramValue": [[1]]}}, "text", true, null, {}]},
  "adverseEventsModule": {"eventGroups": [{"id": "EG000", "seriousNumAffected": 1, "deathsNumAtRisk": true, "title": null, "title": "after null"}],
     "seriousEvents": [{"term": "Fever", "stats": [{"groupId": "EG000", "numEvents": 2}]}], "otherEvents": [[1, 2], "s", 3.5, null, [], {"term": "\u00e9t\u00e9"}]}
 }},
{"protocolSection": {"identificationModule": {"nctId": "NCT00000002"}},
	"resultsSection":	{	"adverseEventsModule"	:	{	"otherEvents"	:	[	{"\ud800x": 1}, {"term":"ok","stats":[{"groupId":"E","numAffected":"1"}]}	]	}	,
	"outcomeMeasuresModule": {"outcomeMeasures": {"title": "one outcome, not a list", "classes": {"categories": {"measurements": [{"groupId": "OG000", "value": "1"}]}}}}	}	},
{"protocolSection": {"identificationModule": {"nctId": "NCT00000003"}}, "resultsSection": "not an object"},
{"protocolSection": {"identificationModule": {"nctId": "NCT00000004"}}, "resultsSection": []},
{"protocolSection": {"identificationModule": {"nctId": "NCT00000005"}}, "resultsSection": [{"adverseEventsModule": {"eventGroups": [{"id": "EG000"}]}}]},
{"protocolSection": {"identificationModule": {"nctId": "NCT00000006"}}, "resultsSection": [{"a": 1}, {"b": 2}]},
{"protocolSection": {"identificationModule": {"nctId": "NCT00000007"}}, "resultsSection": {"participantFlowModule": 5, "adverseEventsModule": null}},
{"protocolSection": {"identificationModule": {"nctId": "NCT00000008"}}, "resultsSection": {"participantFlowModule": {"groups": [{"id": "FG000"}]}}, "resultsSection": {"participantFlowModule": {"groups": [{"id": "second"}]}}},
{"protocolSection": {"identificationModule": {"nctId": "NCT00000009"}}, "resultsSection": {"participantFlowModule": {"groups": [{"id": "FG000", "id": 1, "title": {"x": []}, "description": [1, 2]}]}}}
]"#;

const V1_DOC: &str = r#"{"FullStudiesResponse": {"FullStudies": [{"Rank": 1, "Study": {
 "ProtocolSection": {"IdentificationModule": {"NCTId": "NCT00000010"}},
 "ResultsSection": {
  "ParticipantFlowModule": {"FlowGroupList": {"FlowGroup": [{"FlowGroupId": "FG000", "FlowGroupTitle": "Cells"}]},
   "FlowPeriodList": {"FlowPeriod": [{"FlowPeriodTitle": "Overall", "FlowMilestoneList": {"FlowMilestone": {"FlowMilestoneType": "STARTED",
     "FlowAchievementList": {"FlowAchievement": [{"FlowAchievementGroupId": "FG000", "FlowAchievementNumSubjects": "4"}]}}},
     "FlowDropWithdrawList": 3}]}},
  "BaselineCharacteristicsModule": {"BaselineDenomList": {"BaselineDenom": [{"BaselineDenomUnits": "Participants",
     "BaselineDenomCountList": {"BaselineDenomCount": [{"BaselineDenomCountGroupId": "BG000", "BaselineDenomCountValue": "4"}]}}]},
   "BaselineMeasureList": {"BaselineMeasure": [{"BaselineMeasureTitle": "Age", "BaselineClassList": {"BaselineClass": [{"BaselineCategoryList":
     {"BaselineCategory": [{"BaselineMeasurementList": {"BaselineMeasurement": [{"BaselineMeasurementGroupId": "BG000", "BaselineMeasurementValue": "50"}]}}]}}]}}]}},
  "OutcomeMeasuresModule": {"OutcomeMeasureList": {"OutcomeMeasure": [{"OutcomeMeasureType": "Primary", "OutcomeMeasureTitle": "T",
     "OutcomeAnalysisList": {"OutcomeAnalysis": [{"OutcomeAnalysisGroupIdList": {"OutcomeAnalysisGroupId": ["OG000", "OG001"]}, "OutcomeAnalysisPValue": "0.01"}]}}]}},
  "AdverseEventsModule": {"EventGroupList": {"EventGroup": [{"EventGroupId": "EG000", "EventGroupSeriousNumAffected": "0"}]},
   "SeriousEventList": {"SeriousEvent": []}, "OtherEventList": "none"}
 }}}]}}"#;

#[test]
fn odd_shapes_read_as_before() {
    let mut got = Vec::new();
    for (name, doc) in [("shapes.json", DOC), ("v1.json", V1_DOC)] {
        let ex = extract(name, doc.as_bytes());
        assert!(ex.issues.is_empty(), "{:?}", ex.issues);
        for rec in ex.records {
            got.push((rec.nct_id.map(|n| n.text), rec.results, rec.findings));
        }
    }
    assert_eq!(got.len(), 10);
    insta::assert_yaml_snapshot!("odd_shapes", got);
}
