-- 重点人员日报：涉疆人员 每日动态统计（按派出所）
-- ethicscan 示例，非真实系统
SELECT station_code,
       COUNT(*)                  AS cnt,
       COUNT(DISTINCT camera_id) AS cameras
FROM key_person_track
WHERE category = 'SHEJIANG'
  AND track_date = CURRENT_DATE
GROUP BY station_code
ORDER BY cnt DESC;
