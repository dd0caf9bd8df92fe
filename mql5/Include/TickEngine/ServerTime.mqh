//+------------------------------------------------------------------+
//| ServerTime.mqh - broker server time to UTC with the broker's time |
//| zone rule, at each tick's or bar's own time:                      |
//|   NY+H[:MM]  New York's offset plus H hours (NY+7: UTC+2, and     |
//|              UTC+3 while New York observes daylight saving)       |
//|   UTC+H[:MM], GMT+H, +HH:MM, UTC  a fixed offset                  |
//|   an IANA id of the table below (Europe/Athens: EU dates)         |
//|   empty      no rule: the offset measured now, per batch          |
//| The same rules as the engine's server.tz (ServerTimeZone), for    |
//| the zones MT5 brokers use; other ids are refused.                 |
//+------------------------------------------------------------------+
#property strict

#ifndef TICKENGINE_SERVERTIME_MQH
#define TICKENGINE_SERVERTIME_MQH

#define TE_TZ_MEASURED 0   // no rule: TimeTradeServer() - TimeGMT(), measured per batch
#define TE_TZ_FIXED    1   // one offset all year
#define TE_TZ_US       2   // +1 h from the 2nd Sunday of March 07:00 UTC to the 1st Sunday of November 06:00 UTC
#define TE_TZ_EU       3   // +1 h from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC

struct TeServerTz
  {
   int    kind;
   int    standardS;   // seconds east of UTC outside daylight saving
   string id;
  };

//--- "+2", "-3", "+02:00", "+5:30" -> seconds east of UTC; false when it is none of those.
bool TeParseSignedOffset(const string text, int &seconds)
  {
   int len = StringLen(text);
   if(len < 2)
      return false;
   ushort sign = StringGetCharacter(text, 0);
   if(sign != '+' && sign != '-')
      return false;
   int hours = 0, minutes = 0, digits = 0, colon = -1;
   for(int i = 1; i < len; i++)
     {
      ushort c = StringGetCharacter(text, i);
      if(c == ':' && colon < 0 && digits > 0)
        {
         colon = i;
         continue;
        }
      if(c < '0' || c > '9')
         return false;
      if(colon < 0)
        {
         hours = hours * 10 + (c - '0');
         digits++;
        }
      else
         minutes = minutes * 10 + (c - '0');
     }
   if(digits == 0 || digits > 2 || hours > 14 || minutes > 59 || (colon > 0 && len - colon - 1 != 2))
      return false;
   seconds = (sign == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
   return true;
  }

//--- The IANA zones brokers' servers use: kind and standard offset; false for any other id.
bool TeIanaZone(const string id, int &kind, int &standardS)
  {
   string eu0[] = {"Europe/London", "Europe/Dublin", "Europe/Lisbon"};
   string eu1[] = {"Europe/Berlin", "Europe/Paris", "Europe/Madrid", "Europe/Rome", "Europe/Amsterdam",
                   "Europe/Brussels", "Europe/Vienna", "Europe/Zurich", "Europe/Prague", "Europe/Warsaw",
                   "Europe/Stockholm", "Europe/Oslo", "Europe/Copenhagen", "Europe/Budapest", "Europe/Luxembourg",
                   "Europe/Malta"};
   string eu2[] = {"Europe/Athens", "Europe/Helsinki", "Europe/Kiev", "Europe/Kyiv", "Europe/Riga",
                   "Europe/Tallinn", "Europe/Vilnius", "Europe/Sofia", "Europe/Bucharest", "Europe/Nicosia",
                   "Asia/Nicosia"};
   for(int i = 0; i < ArraySize(eu0); i++)
      if(id == eu0[i]) { kind = TE_TZ_EU; standardS = 0; return true; }
   for(int i = 0; i < ArraySize(eu1); i++)
      if(id == eu1[i]) { kind = TE_TZ_EU; standardS = 3600; return true; }
   for(int i = 0; i < ArraySize(eu2); i++)
      if(id == eu2[i]) { kind = TE_TZ_EU; standardS = 7200; return true; }
   if(id == "America/New_York") { kind = TE_TZ_US; standardS = -18000; return true; }
   kind = TE_TZ_FIXED;
   if(id == "Etc/UTC" || id == "Etc/GMT") { standardS = 0; return true; }
   if(id == "Europe/Moscow" || id == "Europe/Istanbul") { standardS = 10800; return true; }
   if(id == "Asia/Dubai") { standardS = 14400; return true; }
   if(id == "Asia/Singapore" || id == "Asia/Hong_Kong") { standardS = 28800; return true; }
   if(id == "Asia/Tokyo") { standardS = 32400; return true; }
   return false;
  }

//--- Reads a rule; false (the EA refuses to start) when it is none of the forms above.
bool TeParseServerTz(const string text, TeServerTz &tz)
  {
   string value = text;
   StringTrimLeft(value);
   StringTrimRight(value);
   tz.id = value;
   tz.standardS = 0;
   tz.kind = TE_TZ_FIXED;
   if(value == "")
     {
      tz.kind = TE_TZ_MEASURED;
      return true;
     }
   string upper = value;
   StringToUpper(upper);
   int seconds = 0;
   if(StringSubstr(upper, 0, 2) == "NY" && TeParseSignedOffset(StringSubstr(upper, 2), seconds))
     {
      tz.kind = TE_TZ_US;
      tz.standardS = -18000 + seconds;
      tz.id = upper;
      return true;
     }
   if(upper == "UTC" || upper == "GMT")
      return true;
   if((StringSubstr(upper, 0, 3) == "UTC" || StringSubstr(upper, 0, 3) == "GMT")
      && TeParseSignedOffset(StringSubstr(upper, 3), seconds))
     {
      tz.standardS = seconds;
      return true;
     }
   if(TeParseSignedOffset(upper, seconds))
     {
      tz.standardS = seconds;
      return true;
     }
   return TeIanaZone(value, tz.kind, tz.standardS);
  }

//--- The n-th Sunday (n >= 1) of a month, 00:00.
datetime TeNthSunday(const int year, const int month, const int n)
  {
   MqlDateTime d;
   ZeroMemory(d);
   d.year = year;
   d.mon = month;
   d.day = 1;
   datetime first = StructToTime(d);
   TimeToStruct(first, d);
   return first + (datetime)(((7 - d.day_of_week) % 7 + 7 * (n - 1)) * 86400);
  }

//--- Whether daylight saving is in force at a UTC instant (seconds).
bool TeInDaylightSaving(const TeServerTz &tz, const long utcS)
  {
   if(tz.kind != TE_TZ_US && tz.kind != TE_TZ_EU)
      return false;
   MqlDateTime d;
   TimeToStruct((datetime)utcS, d);
   long start, end;
   if(tz.kind == TE_TZ_US)
     {
      start = (long)TeNthSunday(d.year, 3, 2) + 7 * 3600;
      end = (long)TeNthSunday(d.year, 11, 1) + 6 * 3600;
     }
   else
     {
      // The last Sunday of a month is the first Sunday of the next one, a week earlier.
      start = (long)TeNthSunday(d.year, 4, 1) - 7 * 86400 + 3600;
      end = (long)TeNthSunday(d.year, 11, 1) - 7 * 86400 + 3600;
     }
   return utcS >= start && utcS < end;
  }

//--- Server time minus UTC at a UTC instant, in seconds (rule zones only).
int TeOffsetAtUtc(const TeServerTz &tz, const long utcS)
  {
   return tz.standardS + (TeInDaylightSaving(tz, utcS) ? 3600 : 0);
  }

//--- A server time (MqlTick.time_msc) as UTC, with the offset in force at that time. At the autumn switch the
//--- server clock shows one hour twice: read as the first occurrence unless that would put it before
//--- previousUtcMsc (the tick or bar before it, 0 for none), so ticks read in order come out in order. A time the
//--- spring switch skipped is read with the winter offset. The same as the engine's ServerTimeZone.
long TeServerToUtcMsc(const TeServerTz &tz, const long serverMsc, const long previousUtcMsc)
  {
   long standard = serverMsc - (long)tz.standardS * 1000;
   if(tz.kind != TE_TZ_US && tz.kind != TE_TZ_EU)
      return standard;
   long summer = standard - 3600000;
   bool standardValid = !TeInDaylightSaving(tz, (long)MathFloor(standard / 1000.0));
   bool summerValid = TeInDaylightSaving(tz, (long)MathFloor(summer / 1000.0));
   if(summerValid && (!standardValid || summer >= previousUtcMsc))
      return summer;
   return standard;
  }

//--- Server time minus UTC now, in seconds, rounded to 15 minutes (TimeTradeServer and TimeGMT are read a moment
//--- apart). Measured again for every batch: the offset changes at the broker's daylight-saving switches.
int TeMeasuredOffsetSeconds()
  {
   long measured = (long)(TimeTradeServer() - TimeGMT());
   return (int)(MathRound(measured / 900.0) * 900);
  }

#endif
