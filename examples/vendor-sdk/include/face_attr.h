/*
 * face_attr.h  人脸属性分析接口（示例 SDK，仅供 ethicscan 演示，非真实产品）
 * 版本：V2.3.0
 */
#ifndef FACE_ATTR_H
#define FACE_ATTR_H

#ifdef __cplusplus
extern "C" {
#endif

/* 种族类型 */
typedef enum tagEM_RACE_TYPE
{
    EM_RACE_UNKNOWN = 0,    /* 未知 */
    EM_RACE_YELLOW,         /* 黄种人 */
    EM_RACE_BLACK,          /* 黑人 */
    EM_RACE_WHITE,          /* 白人 */
} EM_RACE_TYPE;

/* 肤色类型 */
typedef enum tagEM_SKIN_COLOR
{
    EM_SKIN_COLOR_UNKNOWN = 0,  /* 未知 */
    EM_SKIN_COLOR_YELLOW,       /* 黄 */
    EM_SKIN_COLOR_BLACK,        /* 黑 */
    EM_SKIN_COLOR_WHITE,        /* 白 */
    EM_SKIN_COLOR_BROWN,        /* 棕 */
} EM_SKIN_COLOR;

/* 单张人脸的属性分析结果 */
typedef struct tagFACE_ATTR_RESULT
{
    int           nFaceId;       /* 人脸序号 */
    int           nAge;          /* 年龄 */
    int           nSex;          /* 性别：0-未知 1-男 2-女 */
    EM_RACE_TYPE  emRace;        /* 种族 */
    int           nRaceScore;    /* 种族置信度 0-100 */
    EM_SKIN_COLOR emSkinColor;   /* 肤色 */
    int           nGlasses;      /* 是否戴眼镜 */
} FACE_ATTR_RESULT;

/* 对一帧图像做人脸检测与属性分析，返回检测到的人脸数 */
int FACE_AnalyzeFrame(const unsigned char *pImage, int nWidth, int nHeight,
                      FACE_ATTR_RESULT *pResults, int nMaxFaces);

#ifdef __cplusplus
}
#endif

#endif /* FACE_ATTR_H */
