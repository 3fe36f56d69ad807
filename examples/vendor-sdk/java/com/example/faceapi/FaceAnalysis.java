package com.example.faceapi;

import java.util.Map;

/**
 * Result of {@code POST /v2/faces/analyze} for one detected face.
 * Written for the ethicscan examples; not a real vendor API.
 */
public class FaceAnalysis {
    private String faceId;
    private int estimatedAge;
    private String gender;
    /** Highest-scoring class of the ethnicity estimator: asian, indian, caucasian or african. */
    private String predominantEthnicity;
    /** Score of every class of the ethnicity estimator, 0..1. */
    private Map<String, Double> ethnicityEstimations;
    private double qualityScore;

    public String getPredominantEthnicity() {
        return predominantEthnicity;
    }

    public Map<String, Double> getEthnicityEstimations() {
        return ethnicityEstimations;
    }
}
